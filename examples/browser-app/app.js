import { gatehouseUrl } from '/config.js';
import { createGatehouseClient } from '/sdk/index.js';

// A cookie session: the browser keeps Gatehouse's httpOnly cookie; the page never sees a token.
const sdk = createGatehouseClient({
  appUrl: gatehouseUrl,
  auth: { mode: 'session', session: { enabled: true, credentials: 'include' } },
});
const status = document.querySelector('#status');
const form = document.querySelector('#signin');
const signout = document.querySelector('#signout');

function show(user) {
  status.textContent = user ? `Signed in as ${user.email}` : 'Signed out';
  form.hidden = Boolean(user);
  signout.hidden = !user;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  try {
    await sdk.authentication.signin({ username: data.get('email'), password: data.get('password') });
    show(await sdk.authentication.getLoggedInUser());
  } catch (error) {
    status.textContent = `Sign-in failed: ${error.message}`;
  }
});
signout.addEventListener('click', async () => {
  await sdk.authentication.logout();
  show(null);
});
// Already signed in from an earlier visit?
sdk.authentication.getLoggedInUser().then(show, () => show(null));
