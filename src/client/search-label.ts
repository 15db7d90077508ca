// The search button's accessible name = its label and the shortcut it shows (see
// src/components/site/Search.astro). Runs after Starlight's inline script, which shows the
// shortcut and turns Ctrl into ⌘ on Apple devices.
export function labelWithShortcut(button: HTMLButtonElement | null): void {
  const label = button?.getAttribute('aria-label');
  const shortcut = button?.querySelector(':scope > kbd');
  if (!button || !label || !(shortcut instanceof HTMLElement) || shortcut.style.display === 'none') return;
  const keys = [...shortcut.querySelectorAll('kbd')].filter((k) => k.textContent?.trim());
  if (!keys.length) return;
  // The label and the keys are separate elements with no space between them, so the button's text
  // read "SearchCtrlK". Spaces between flex items change nothing on screen.
  for (const el of [shortcut, ...keys.slice(1)]) if (!/\s$/.test(el.previousSibling?.textContent ?? '')) el.before(' ');
  button.setAttribute('aria-label', `${label} ${keys.map((k) => k.textContent!.trim()).join(' ')}`);
}

/**
 * Pagefind's search field (created when its UI loads) is labelled only by its title attribute:
 * give it the search label as its accessible name.
 */
export function labelSearchField(container: HTMLElement | null, label: string): void {
  if (!container) return;
  const apply = () => {
    const input = container.querySelector<HTMLInputElement>('input.pagefind-ui__search-input');
    if (!input) return false;
    if (!input.hasAttribute('aria-label')) input.setAttribute('aria-label', label);
    return true;
  };
  if (apply()) return;
  const watch = new MutationObserver(() => {
    if (apply()) watch.disconnect();
  });
  watch.observe(container, { childList: true, subtree: true });
}
