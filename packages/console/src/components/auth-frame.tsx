/** The frame of the signed-out pages: the brand above one card. */
export function AuthFrame({ children }: { children: preact.ComponentChildren }) {
  return (
    <main class="auth" id="main">
      <span class="brand">
        <img src={ICON} alt="" width={32} height={32} />
        Gatehouse
      </span>
      <div class="card auth-card">{children}</div>
    </main>
  );
}

const ICON = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? '';
