// sessionStorage keys shared by the runner UI and the socket client (tiny: loaded before xterm).
// Browser-only.
/** The terminal session this tab is attached to (set by the server's hello). */
export const SESSION_KEY = 'cgr-runner-session';
/** The per-launch access token (moved here from the printed address's #token=). */
export const TOKEN_KEY = 'cgr-runner-token';
/** Whether the reader had the terminal panel open ("1") or hidden ("0") when the page unloaded. */
export const PANEL_KEY = 'cgr-runner-panel';

export function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function readSession(): string | undefined {
  try {
    return sessionStorage.getItem(SESSION_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}
