// The terminal view: xterm.js with the fit addon and the WebGL renderer (falling back to the DOM
// renderer when WebGL is missing or its context is lost). Loaded only when the panel opens.
// Browser-only.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';

export interface TerminalView {
  term: Terminal;
  /** Which renderer draws the terminal. */
  renderer: 'webgl' | 'dom';
  fit(): void;
  /** The buffer as text, one line per row (tests and the bench read this). */
  text(): string;
  dispose(): void;
}

/** True when WebGL would run on the CPU (SwiftShader, llvmpipe): slower than the DOM renderer. */
function softwareWebgl(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return true;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|softpipe|software/i.test(name);
  } catch {
    return true;
  }
}

export async function createTerminalView(container: HTMLElement): Promise<TerminalView> {
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    fontSize: 13,
    scrollback: 5000,
    theme: { background: '#0d1117', foreground: '#e6edf3' },
  });
  const fitAddon = new FitAddon();
  term.loadAddon(fitAddon);
  term.open(container);
  let renderer: TerminalView['renderer'] = 'dom';
  try {
    if (softwareWebgl()) throw new Error('software WebGL is slower than the DOM renderer');
    const { WebglAddon } = await import('@xterm/addon-webgl');
    const webgl = new WebglAddon();
    webgl.onContextLoss(() => {
      webgl.dispose();
      view.renderer = 'dom';
    });
    term.loadAddon(webgl);
    renderer = 'webgl';
  } catch {
    // No WebGL (headless, old GPU, blocked): the DOM renderer stays.
  }
  const fit = () => {
    try {
      fitAddon.fit();
    } catch {
      /* hidden container */
    }
  };
  fit();
  let pending: ReturnType<typeof requestAnimationFrame> | undefined;
  const observer = new ResizeObserver(() => {
    if (pending !== undefined) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(fit);
  });
  observer.observe(container);
  const view: TerminalView = {
    term,
    renderer,
    fit,
    text() {
      const b = term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n');
    },
    dispose() {
      observer.disconnect();
      term.dispose();
    },
  };
  return view;
}
