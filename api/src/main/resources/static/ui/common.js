// Small pieces every page uses: Preact's functions, formatting, and status shown by word and sign, not colour.

export const { h, render, Fragment } = window.preact;
export const { useState, useEffect, useRef, useCallback } = window.preactHooks;

/** Each status has a sign and a word; the colour only repeats them. */
const SIGNS = {
  success: '\u2713', failure: '\u2717', running: '\u25B6', queued: '\u25CB', skipped: '\u2013', warning: '!',
  reproduced: '\u2713', not_reproduced: '\u2717', identical: '=', different: '\u2260', only_in_a: 'A',
  only_in_b: 'B', done: '\u2713', cancelled: '\u2717', failed: '\u2717', no_outputs: '\u2013',
};

export function Status({ value }) {
  const word = value || 'unknown';
  return h('span', { class: 'status status-' + word.replace(/[^a-z_]/g, ''), 'data-status': word },
    h('span', { class: 'sign', 'aria-hidden': 'true' }, SIGNS[word] || '?'), ' ', word.replace(/_/g, ' '));
}

/** An instant as UTC date and time to the second; the full value in the tooltip. */
export function Time({ value }) {
  if (!value) {
    return h('span', { class: 'muted' }, '\u2014');
  }
  return h('time', { datetime: value, title: value }, value.replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC'));
}

export function duration(ms) {
  if (ms == null || Number.isNaN(ms) || ms < 0) {
    return '\u2014';
  }
  const seconds = ms / 1000;
  if (seconds < 10) {
    return seconds.toFixed(1) + ' s';
  }
  if (seconds < 120) {
    return Math.round(seconds) + ' s';
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) {
    return minutes + ' min ' + Math.round(seconds - minutes * 60) + ' s';
  }
  return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
}

export function between(start, end) {
  if (!start) {
    return null;
  }
  return (end ? Date.parse(end) : Date.now()) - Date.parse(start);
}

export function bytes(value) {
  if (value == null) {
    return '\u2014';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let amount = value;
  let unit = 0;
  while (amount >= 1024 && unit < units.length - 1) {
    amount /= 1024;
    unit++;
  }
  return (unit === 0 ? amount : amount.toFixed(1)) + ' ' + units[unit];
}

export function Link({ href, children, ...rest }) {
  return h('a', { href, ...rest }, children);
}

export function jobLink(id) {
  return h('a', { href: '#/job/' + encodeURIComponent(id), class: 'mono' }, id);
}

/** An error from the server or the browser, read out by screen readers when it appears. */
export function ErrorText({ error, id }) {
  if (!error) {
    return null;
  }
  return h('p', { class: 'error', role: 'alert', id }, h('span', { 'aria-hidden': 'true' }, '\u26A0 '),
    String(error.message || error));
}

/**
 * Runs a loader now and every interval ms while keepGoing(result) holds; the page re-renders with the result and
 * the number of loads so far. A hidden tab (another tab in front, a minimised window) waits until it is shown.
 */
export function usePolling(loader, deps, interval, keepGoing) {
  const [state, setState] = useState({ value: null, error: null, loading: true, loads: 0 });
  useEffect(() => {
    let stopped = false;
    let timer = null;
    const later = (delay) => {
      timer = setTimeout(() => {
        if (!document.hidden) {
          load();
          return;
        }
        const shown = () => {
          document.removeEventListener('visibilitychange', shown);
          if (!stopped) {
            load();
          }
        };
        document.addEventListener('visibilitychange', shown);
      }, delay);
    };
    const load = async () => {
      try {
        const value = await loader();
        if (stopped) {
          return;
        }
        setState((previous) => ({ value, error: null, loading: false, loads: previous.loads + 1 }));
        if (interval && keepGoing(value)) {
          later(interval);
        }
      } catch (error) {
        if (stopped) {
          return;
        }
        setState((previous) => ({ ...previous, error, loading: false }));
        if (interval && error.status !== 404 && error.status !== 403 && error.status !== 401) {
          later(interval * 2);
        }
      }
    };
    load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
  return state;
}

/** A part of the address, decoded; a malformed one (a bad % sequence) is kept as it is rather than failing. */
function decodePart(part) {
  try {
    return decodeURIComponent(part);
  } catch (ignored) {
    return part;
  }
}

/** The current hash route split into parts, e.g. #/job/abc → ['job', 'abc'], with its query. */
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodePart), query: new URLSearchParams(query || '') };
}

export function navigate(hash) {
  location.hash = hash;
}
