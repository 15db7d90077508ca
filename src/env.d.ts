/// <reference types="astro/client" />
declare namespace App {
  interface Locals {
    /** Set by src/pages/guides/[id].astro for the guide components. */
    cgrGuide?: import('./lib/guide-context.ts').GuideContext;
  }
}
