// Reprise's dashboard: the shell (sign-in, navigation, routes). Every page calls the same API as any client,
// with the signed-in user's token, so the server's roles decide what it may see and do.

import { api, session, whenSignedOut, startOidc, finishOidc } from './api.js';
import { h, render, Fragment, useState, useEffect, ErrorText, currentRoute } from './common.js';
import { JobsPage, JobPage } from './jobs.js';
import { RunPage } from './run.js';
import { ComparePage } from './compare.js';
import { AuditsPage, AuditPage } from './audits.js';

const RUNNERS = ['submitter', 'operator'];
const AUDITORS = ['auditor', 'operator'];

function SignIn({ options, onSignedIn, reason }) {
  const [error, setError] = useState(reason ? new Error(reason) : null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const token = String(form.get('token') || '').trim();
    if (!token) {
      setError(new Error('paste your token first'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const me = await api('/whoami', { token });
      session.save(token, form.get('remember') === 'on');
      onSignedIn(me);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return h('main', { id: 'main', class: 'signin' },
    h('h1', null, 'Sign in to Reprise'),
    options && options.oidc ? h(Fragment, null,
      h('button', { class: 'primary', onClick: () => startOidc(options.oidc).catch(setError) },
        'Sign in with ' + (options.oidc.name || 'your organisation')),
      h('p', { class: 'muted' }, 'or with a Reprise token:')) : null,
    h('form', { onSubmit: submit },
      h('label', { for: 'token' }, 'Token'),
      h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: false,
        placeholder: 'rpr_\u2026', 'aria-describedby': 'signin-help signin-error' }),
      h('p', { id: 'signin-help', class: 'muted' }, 'An operator mints tokens with ',
        h('code', null, 'bash docker/service token --user NAME --role ROLE'), '.'),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'remember' }),
        ' Remember me on this browser (otherwise the token is forgotten when the tab closes)'),
      h(ErrorText, { error, id: 'signin-error' }),
      h('button', { type: 'submit', class: 'primary', disabled: busy }, busy ? 'Checking\u2026' : 'Sign in')));
}

function Header({ me, route, signOut }) {
  const section = route.parts[0] || 'jobs';
  const link = (href, name, key) => h('a', { href, 'aria-current': section === key ? 'page' : undefined }, name);
  return h('header', { class: 'top' },
    h('a', { class: 'skip', href: '#main', onClick: (event) => {
      event.preventDefault();
      document.getElementById('main').focus();
    } }, 'Skip to content'),
    h('a', { class: 'brand', href: '#/jobs' }, 'Reprise'),
    h('nav', { 'aria-label': 'main' },
      link('#/jobs', 'Jobs', 'jobs'),
      RUNNERS.includes(me.role) ? link('#/run', 'Run', 'run') : null,
      link('#/compare', 'Compare', 'compare'),
      AUDITORS.includes(me.role) ? link('#/audits', 'Audits', 'audits') : null),
    h('div', { class: 'who' },
      h('span', { 'data-user': me.user }, me.user, ' ', h('span', { class: 'role' }, me.role)),
      h('button', { onClick: signOut }, 'Sign out')));
}

function Page({ me, route }) {
  const [section, first, second] = route.parts;
  switch (section || 'jobs') {
    case 'jobs':
      return h(JobsPage, { me, query: route.query });
    case 'job':
      return h(JobPage, { me, id: first, key: first });
    case 'run':
      return RUNNERS.includes(me.role) ? h(RunPage, { me }) : h(NotForRole, { me });
    case 'compare':
      return h(ComparePage, { a: first, b: second });
    case 'audits':
      return AUDITORS.includes(me.role) ? h(AuditsPage, { me }) : h(NotForRole, { me });
    case 'audit':
      return AUDITORS.includes(me.role) ? h(AuditPage, { me, id: first, key: first }) : h(NotForRole, { me });
    default:
      return h('p', null, 'There is no such page. ', h('a', { href: '#/jobs' }, 'Go to the jobs.'));
  }
}

function NotForRole({ me }) {
  return h('p', { role: 'alert' }, `A ${me.role} may not use this page.`);
}

function App() {
  const [options, setOptions] = useState(null);
  const [me, setMe] = useState(null);
  const [state, setState] = useState('starting');
  const [reason, setReason] = useState(null);
  const [route, setRoute] = useState(currentRoute());

  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    window.addEventListener('hashchange', changed);
    whenSignedOut((message) => {
      session.clear();
      setMe(null);
      setReason('Signed out: ' + message);
      setState('signed-out');
    });
    (async () => {
      let found = null;
      try {
        found = await fetch('/api/v1/auth/options').then((response) => response.json());
        setOptions(found);
      } catch (ignored) {
        // sign-in with a token still works
      }
      try {
        const returned = found && found.oidc ? await finishOidc(found.oidc) : null;
        if (returned) {
          const who = await api('/whoami', { token: returned.token });
          session.save(returned.token, false);
          setMe(who);
          setState('signed-in');
          setRoute(currentRoute());
          return;
        }
      } catch (failure) {
        setReason(failure.message);
      }
      if (!session.token()) {
        setState('signed-out');
        return;
      }
      try {
        setMe(await api('/whoami'));
        setState('signed-in');
      } catch (failure) {
        setReason(failure.message);
        setState('signed-out');
      }
    })();
    return () => window.removeEventListener('hashchange', changed);
  }, []);

  // A new page gets a title of its own and the focus, so a screen reader tells that the page changed.
  const section = route.parts[0] || 'jobs';
  useEffect(() => {
    const names = { jobs: 'Jobs', job: 'Job ' + (route.parts[1] || ''), run: 'Run', compare: 'Compare',
      audits: 'Audits', audit: 'Audit ' + (route.parts[1] || '') };
    document.title = (me ? names[section] || 'Reprise' : 'Sign in') + ' \u00B7 Reprise';
    const main = document.getElementById('main');
    if (me && main) {
      main.focus();
    }
  }, [section, route.parts[1], me && me.user]);

  if (state === 'starting') {
    return h('p', { class: 'boot' }, 'Loading\u2026');
  }
  if (!me) {
    return h(SignIn, { options, reason, onSignedIn: (who) => {
      setReason(null);
      setMe(who);
      setState('signed-in');
    } });
  }
  const signOut = () => {
    session.clear();
    setMe(null);
    setReason(null);
    setState('signed-out');
  };
  return h(Fragment, null,
    h(Header, { me, route, signOut }),
    h('main', { id: 'main', tabindex: -1 }, h(Page, { me, route, key: route.parts.slice(0, 1).join('/') })));
}

render(h(App), document.getElementById('app'));
