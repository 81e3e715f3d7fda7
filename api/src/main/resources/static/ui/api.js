// The dashboard's only way to the server: the same /api/v1 routes and bearer tokens as any other client.

const TOKEN_KEY = 'reprise.token';

/**
 * Where the token lives. By default in sessionStorage, so it goes when the tab closes (a shared machine keeps
 * nothing); "remember me" puts it in localStorage instead, until sign-out.
 */
export const session = {
  token() {
    return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY);
  },
  save(token, remember) {
    session.clear();
    (remember ? localStorage : sessionStorage).setItem(TOKEN_KEY, token);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(TOKEN_KEY);
  },
};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let onSignedOut = () => {};

/** Called when the server says the token is no longer valid (revoked, expired). */
export function whenSignedOut(callback) {
  onSignedOut = callback;
}

/**
 * Calls a route under /api/v1 (or a full /api/v1 path, as the API's own links are) with the session's token.
 * Answers parsed JSON, text, or with raw the Response itself; an error answer throws ApiError with the server's
 * {"error"} text.
 */
export async function api(path, { method = 'GET', body, headers = {}, raw = false, signal, token } = {}) {
  const url = path.startsWith('/api/v1') ? path : '/api/v1' + path;
  const bearer = token || session.token();
  const send = () => fetch(url, {
    method,
    body,
    signal,
    headers: bearer ? { ...headers, Authorization: 'Bearer ' + bearer } : headers,
    cache: 'no-store',
  });
  let response = await send();
  // A read refused over the server's read budget is asked again after its Retry-After, a few times (README "Reads").
  for (let retry = 0; retry < 5 && response.status === 429 && method === 'GET'; retry++) {
    const header = response.headers.get('Retry-After');
    const seconds = header === null || !/^[0-9]+$/.test(header.trim()) ? -1 : Number(header.trim());
    if (seconds < 0 || seconds > 10) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    response = await send();
  }
  if (!response.ok) {
    let message = response.status + ' ' + response.statusText;
    try {
      const answer = await response.json();
      if (answer && typeof answer.error === 'string') {
        message = answer.error;
      }
    } catch (ignored) {
      // not JSON: keep the status line
    }
    if (response.status === 401 && !token) {
      onSignedOut(message);
    }
    throw new ApiError(response.status, message);
  }
  if (raw) {
    return response;
  }
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

/** POSTs a JSON body. */
export function post(path, value) {
  return api(path, {
    method: 'POST',
    body: value === undefined ? undefined : JSON.stringify(value),
    headers: value === undefined ? {} : { 'Content-Type': 'application/json' },
  });
}

/**
 * Follows a job's log: the server-sent events of /logs?follow=true, read with fetch so the token goes in a
 * header (EventSource cannot send one). Calls onEvent(name, data) per event until the stream ends or the signal
 * aborts.
 */
export async function followLog(jobId, onEvent, signal) {
  const response = await api(`/job/${encodeURIComponent(jobId)}/logs?follow=true`,
    { raw: true, signal, headers: { Accept: 'text/event-stream' } });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = 'message';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      let line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.endsWith('\r')) {
        line = line.slice(0, -1);
      }
      if (line === '') {
        if (data.length) {
          onEvent(event, data.join('\n'));
        }
        event = 'message';
        data = [];
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) {
          text = text.slice(1);
        }
        if (field === 'event') {
          event = text;
        } else if (field === 'data') {
          data.push(text);
        }
      }
    }
  }
}

/** Saves a response body as a download with the given file name. */
export async function download(path, name) {
  const response = await api(path, { raw: true });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** Sign-in with the organisation's identity provider: OAuth 2 authorization code with PKCE, as a public client. */
const OIDC_KEY = 'reprise.oidc';

function randomText(bytes) {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return base64url(values);
}

function base64url(bytes) {
  let text = '';
  for (const byte of bytes) {
    text += String.fromCharCode(byte);
  }
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function redirectUri() {
  return location.origin + '/';
}

export async function startOidc(options) {
  const verifier = randomText(48);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256',
    new TextEncoder().encode(verifier))));
  const state = randomText(24);
  sessionStorage.setItem(OIDC_KEY, JSON.stringify({ verifier, state, back: location.hash }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: options.client_id,
    redirect_uri: redirectUri(),
    scope: options.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(options.authorization_endpoint + '?' + query);
}

/**
 * Finishes a sign-in when the provider sent the browser back with ?code=&state=: checks the state, trades the
 * code for a token, and answers {token, back}; null when this page load is no such return.
 */
export async function finishOidc(options) {
  const query = new URLSearchParams(location.search);
  if (!query.has('code') && !query.has('error')) {
    return null;
  }
  const pending = JSON.parse(sessionStorage.getItem(OIDC_KEY) || 'null');
  sessionStorage.removeItem(OIDC_KEY);
  history.replaceState(null, '', '/' + (pending && pending.back ? pending.back : ''));
  if (query.has('error')) {
    throw new Error('the identity provider refused the sign-in: ' + query.get('error'));
  }
  if (!pending || pending.state !== query.get('state')) {
    throw new Error('the sign-in answer does not belong to a sign-in started here; sign in again');
  }
  const response = await fetch(options.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: query.get('code'),
      redirect_uri: redirectUri(),
      client_id: options.client_id,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) {
    throw new Error('the identity provider did not issue a token (' + response.status + ')');
  }
  const answer = await response.json();
  if (!answer.access_token) {
    throw new Error('the identity provider answered without an access token');
  }
  return { token: answer.access_token, back: pending.back };
}
