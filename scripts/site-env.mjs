// The environment the site's build (`astro build`, scripts/build-site.mjs) and development server
// (`astro dev`, scripts/dev.mjs) run with: the caller's, less
// - field values: every CGR_* variable except the tool's own settings, CGR_PLAYBOOK_* (field ids
//   may not start with "playbook", so the two never collide). A reader's values, secrets among
//   them (CGR_PULL_TOKEN), are for `cgr-playbook run`; the site shows each guide with its defaults
//   and never a value from the environment. Nothing in the site reads one today; removed here so
//   that nothing can, since a page built with a value would hand it to every reader.
// - a test runner's mode variables: vitest exports DEV=1, MODE=test, BASE_URL, SSR, TEST,
//   VITEST*, NODE_ENV=test, which Vite would take into import.meta.env and so build dev-only
//   markup. NODE_ENV goes too: each script sets its own (build-site: production; dev: Astro's).
const FIELD_VALUE = /^CGR_(?!PLAYBOOK_)/;
const TEST_RUNNER = /^(DEV|PROD|SSR|MODE|BASE_URL|TEST|VITEST.*|NODE_ENV)$/;

/** A copy of `env` without field values and test-runner mode variables. */
export function siteEnv(env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !FIELD_VALUE.test(k) && !TEST_RUNNER.test(k)));
}
