// Author text with `code` spans (field help, a manual step's question, a success statement), split
// once for every place that renders it: the page's components and the runner UI. Browser-safe.

/** The text cut at its `code` spans: even indexes are plain text, odd ones the code inside backticks. */
export function splitCodeSpans(text: string): string[] {
  return text.split(/`([^`]+)`/);
}
