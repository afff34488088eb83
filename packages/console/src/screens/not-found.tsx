import { Card, Page } from '../components/page.js';
import { Link } from '../lib/router.js';

export function NotFound() {
  return (
    <Page title="Page not found">
      <Card>
        <div class="card-body">
          <p>There is no console page at this address, or it is for administrators only.</p>
          <p>
            <Link href="/profile">Go to your profile</Link>
          </p>
        </div>
      </Card>
    </Page>
  );
}
