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
    // Colours readable on the panel's dark background (WCAG AA, 4.5:1): a palette chosen for it,
    // and xterm's own adjustment for any other colour a program prints (256 colours, true colour, dim).
    theme: {
      background: '#0d1117',
      foreground: '#e6edf3',
      black: '#8b949e',
      red: '#ff7b72',
      green: '#3fb950',
      yellow: '#d29922',
      blue: '#58a6ff',
      magenta: '#bc8cff',
      cyan: '#39c5cf',
      white: '#e6edf3',
      brightBlack: '#8b949e',
      brightRed: '#ffa198',
      brightGreen: '#56d364',
      brightYellow: '#e3b341',
      brightBlue: '#79c0ff',
      brightMagenta: '#d2a8ff',
      brightCyan: '#56d4dd',
      brightWhite: '#ffffff',
    },
    minimumContrastRatio: 4.5,
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
