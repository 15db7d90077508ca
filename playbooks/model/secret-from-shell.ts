// How a reader gives a secret field from their shell: read without echo, then exported, so the
// secret is neither shown on screen nor written into the shell's history file (as
// `export CGR_X=tok…` would be). One wording for the CLI's hints and the page. Browser-safe.

/** `read -rs CGR_X && export CGR_X`: the command a reader types to give `envVar` a secret. */
export function secretFromShell(envVar: string): string {
  return `read -rs ${envVar} && export ${envVar}`;
}
