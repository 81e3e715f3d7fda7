// The job list and one job: timeline, live log, files, provenance, re-runs.

import { api, post, followLog, download } from './api.js';
import {
  h, Fragment, useState, useEffect, useRef, Status, Time, duration, between, bytes, jobLink, ErrorText,
  usePolling, navigate,
} from './common.js';

const PAGE = 20;
const STEPS = ['validate', 'compile', 'execute', 'cleanup'];

function listPath(filters) {
  const query = new URLSearchParams({ limit: PAGE, fields: 'status,user,compendium_id,created,finished' });
  for (const key of ['status', 'user', 'compendium_id']) {
    if (filters[key]) {
      query.set(key, filters[key]);
    }
  }
  return '/job?' + query;
}

/**
 * Jobs, newest first, with the API's filters and paging; the first page, and a page with running jobs, refresh
 * every 3 s. The filter fields keep what is typed in them across refreshes; Filter applies them.
 */
export function JobsPage({ me, query }) {
  const filters = {
    status: query.get('status') || '',
    // A submitter lists only their own jobs: a user in the address is not sent for them.
    user: me.role === 'submitter' ? '' : query.get('user') || '',
    compendium_id: query.get('compendium') || '',
  };
  const key = JSON.stringify(filters);
  const [draft, setDraft] = useState(filters);
  const [pages, setPages] = useState([listPath(filters)]);
  useEffect(() => {
    setDraft(filters);
    setPages([listPath(filters)]);
  }, [key]);
  const path = pages[pages.length - 1];
  const first = pages.length === 1;
  const { value, error, loads } = usePolling(() => api(path), [path], 3000,
    (page) => first || page.results.some((job) => job.status === 'running'));
  const edit = (name) => (event) => setDraft({ ...draft, [name]: event.target.value });

  const apply = (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (draft.status) {
      next.set('status', draft.status);
    }
    if (draft.user.trim()) {
      next.set('user', draft.user.trim());
    }
    if (draft.compendium_id.trim()) {
      next.set('compendium', draft.compendium_id.trim());
    }
    navigate('/jobs?' + next);
  };

  return h('section', { 'aria-labelledby': 'jobs-title' },
    h('h1', { id: 'jobs-title' }, 'Jobs'),
    h('form', { class: 'filters', onSubmit: apply, role: 'search' },
      h('label', null, 'Status ',
        h('select', { name: 'status', value: draft.status, onChange: edit('status') },
          ['', 'running', 'success', 'failure'].map((status) =>
            h('option', { value: status }, status || 'any')))),
      me.role === 'submitter' ? null : h('label', null, 'User ',
        h('input', { name: 'user', value: draft.user, onInput: edit('user'), size: 12, autocomplete: 'off' })),
      h('label', null, 'Compendium ',
        h('input', { name: 'compendium', value: draft.compendium_id, onInput: edit('compendium_id'), size: 16,
          autocomplete: 'off', placeholder: 'id, id, \u2026' })),
      h('button', { type: 'submit' }, 'Filter')),
    h(ErrorText, { error }),
    value ? h(JobTable, { jobs: value.results, loads }) : h('p', { class: 'muted' }, 'Loading\u2026'),
    h('nav', { class: 'pager', 'aria-label': 'pages' },
      h('button', { disabled: first, onClick: () => setPages(pages.slice(0, -1)) }, '\u2190 Newer'),
      h('span', { class: 'muted' }, 'page ' + pages.length),
      h('button', { disabled: !value || !value.next, onClick: () => setPages([...pages, value.next]) },
        'Older \u2192')));
}

function JobTable({ jobs, loads }) {
  if (!jobs.length) {
    return h('p', { class: 'empty', 'data-loads': loads }, 'No jobs match.');
  }
  return h('div', { class: 'scroll', 'data-loads': loads }, h('table', { class: 'jobs' },
    h('thead', null, h('tr', null, ['Job', 'Status', 'Submitter', 'Compendium', 'Created', 'Duration']
      .map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', null, jobs.map((job) => h('tr', { key: job.id, 'data-job': job.id },
      h('td', null, jobLink(job.id)),
      h('td', null, h(Status, { value: job.status })),
      h('td', null, job.user),
      h('td', { class: 'mono' }, job.compendium_id),
      h('td', null, h(Time, { value: job.created })),
      h('td', null, duration(between(job.created, job.finished))))))));
}

/** Who may press which button, as the API's roles matrix says; the server checks again. */
function mayCancel(me, job) {
  return job.status === 'running' && (me.role === 'operator' || job.user === me.user);
}

/** Deleting: operators any ended job, submitters their own, auditors their own re-runs. */
function mayDelete(me, job) {
  return job.status !== 'running' && (me.role === 'operator' || (job.user === me.user
    && (me.role === 'submitter' || !!job.rerun_of)));
}

function mayRerun(me, job) {
  return job.status !== 'running' && (me.role !== 'submitter' || job.user === me.user);
}

export function JobPage({ me, id }) {
  const [reload, setReload] = useState(0);
  const { value: job, error } = usePolling(() => api('/job/' + encodeURIComponent(id)), [id, reload], 1500,
    (view) => view.status === 'running');
  const [actionError, setActionError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (!confirming) {
      return undefined;
    }
    const timer = setTimeout(() => setConfirming(false), 8000);
    return () => clearTimeout(timer);
  }, [confirming]);
  if (!job) {
    return h('section', null, h('h1', null, 'Job ', h('span', { class: 'mono' }, id)),
      h(ErrorText, { error }), error ? null : h('p', { class: 'muted' }, 'Loading\u2026'));
  }
  const act = async (what) => {
    setBusy(true);
    setActionError(null);
    try {
      if (what === 'cancel') {
        setConfirming(false);
        await post(`/job/${encodeURIComponent(id)}/cancel`);
        setReload(reload + 1);
      } else if (what === 'delete') {
        setConfirming(false);
        await api(`/job/${encodeURIComponent(id)}`, { method: 'DELETE' });
        navigate('/jobs');
      } else if (what === 'pin' || what === 'unpin') {
        await api(`/job/${encodeURIComponent(id)}/pin`, { method: what === 'pin' ? 'POST' : 'DELETE' });
        setReload(reload + 1);
      } else {
        const answer = await post(`/job/${encodeURIComponent(id)}/rerun`);
        navigate('/job/' + encodeURIComponent(answer.job_id));
      }
    } catch (failure) {
      setActionError(failure);
    } finally {
      setBusy(false);
    }
  };
  return h('section', { 'aria-labelledby': 'job-title' },
    h('div', { class: 'title-row' },
      h('h1', { id: 'job-title' }, 'Job ', h('span', { class: 'mono' }, job.id), ' ', h(Status, { value: job.status })),
      h('div', { class: 'actions' },
        // Cancelling a long run is one click too many to take back: the first click asks, the second cancels.
        mayCancel(me, job) ? h('button', { class: 'danger', disabled: busy, 'aria-live': 'polite',
          onClick: () => (confirming === 'cancel' ? act('cancel') : setConfirming('cancel')) },
        confirming === 'cancel' ? 'Really cancel? Click again' : 'Cancel job') : null,
        mayRerun(me, job) ? h('button', { disabled: busy, onClick: () => act('rerun') }, 'Re-run') : null,
        me.role !== 'submitter' && job.status !== 'running' ? h(PinButton, { id: job.id, busy, act, reload }) : null,
        mayDelete(me, job) ? h('button', { class: 'danger', disabled: busy,
          onClick: () => (confirming === 'delete' ? act('delete') : setConfirming('delete')) },
        confirming === 'delete' ? 'Really delete? Click again' : 'Delete job') : null)),
    h(ErrorText, { error: actionError }),
    h(ErrorText, { error }),
    h('dl', { class: 'facts' },
      fact('Submitter', job.user + (job.submitted_by && job.submitted_by !== job.user ? ' (by ' + job.submitted_by + ')' : '')),
      fact('Compendium', h('span', { class: 'mono' }, job.compendium_id)),
      fact('Created', h(Time, { value: job.created })),
      fact('Duration', duration(between(job.created, job.finished))),
      fact('Priority', job.priority),
      job.exit_code != null ? fact('Exit code', job.exit_code) : null,
      job.rerun_of ? fact('Re-run of', h(Fragment, null, jobLink(job.rerun_of), ' \u00B7 ',
        h('a', { href: `#/compare/${encodeURIComponent(job.rerun_of)}/${encodeURIComponent(job.id)}` },
          'compare with it'))) : null,
      job.cancelled_by ? fact('Cancelled by', job.cancelled_by) : null,
      job.exception ? fact('Infrastructure error', job.exception.step + ': ' + job.exception.message) : null,
      me.role === 'operator' && job.temporal_ui ? fact('Workflow', h('a', { href: job.temporal_ui }, 'Temporal Web UI'))
        : null),
    h(Timeline, { job }),
    h(Log, { job }),
    job.files ? h(Files, { job }) : null,
    h(Reruns, { job }),
    job.provenance ? h('details', { class: 'panel' }, h('summary', null, h('h2', null, 'Provenance')),
      h('pre', { class: 'json' }, JSON.stringify(job.provenance, null, 2))) : null,
    job.results ? h('details', { class: 'panel' }, h('summary', null, h('h2', null, 'Results')),
      h('pre', { class: 'json' }, JSON.stringify(job.results, null, 2))) : null);
}

/** Pinned jobs outlive the retention policy; auditors and operators pin. */
function PinButton({ id, busy, act, reload }) {
  const { value } = usePolling(() => api(`/job/${encodeURIComponent(id)}/pin`), [id, reload], 0, () => false);
  if (!value) {
    return null;
  }
  return h('button', { disabled: busy, 'aria-pressed': value.pinned ? 'true' : 'false', 'data-pinned': value.pinned,
    onClick: () => act(value.pinned ? 'unpin' : 'pin') }, value.pinned ? '\u2713 Pinned (unpin)' : 'Pin');
}

function fact(name, value) {
  return h(Fragment, null, h('dt', null, name), h('dd', null, value == null ? '\u2014' : value));
}

/** The steps on one time axis, from the job's creation to its end (or now): one labelled bar per step. */
function Timeline({ job }) {
  const origin = Date.parse(job.created);
  const last = job.finished ? Date.parse(job.finished) : Math.max(Date.now(), ...STEPS.map((name) => {
    const step = job.steps && job.steps[name];
    return step && step.end ? Date.parse(step.end) : origin;
  }));
  const span = Math.max(last - origin, 1);
  const percent = (instant) => Math.min(100, Math.max(0, ((instant - origin) / span) * 100));
  return h('section', { class: 'panel', 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Steps'),
    h('ol', { class: 'timeline' }, STEPS.map((name) => {
      const step = (job.steps && job.steps[name]) || { status: 'queued' };
      const start = step.start ? Date.parse(step.start) : null;
      const end = step.end ? Date.parse(step.end) : (start ? Date.now() : null);
      const left = start ? percent(start) : 0;
      const width = start ? Math.max(0.8, percent(end) - left) : 0;
      return h('li', { class: 'step', 'data-step': name, 'data-status': step.status },
        h('div', { class: 'step-head' },
          h('span', { class: 'step-name' }, name),
          h(Status, { value: step.status }),
          h('span', { class: 'muted' }, start ? duration(end - start) : '')),
        h('div', { class: 'track', role: 'img',
          'aria-label': `${name}: ${step.status}` + (start ? `, from +${duration(start - origin)} for ${duration(end - start)}` : '') },
          start ? h('div', { class: 'bar status-' + step.status, style: { left: left + '%', width: width + '%' } }) : null),
        step.text ? h('pre', { class: 'step-text' }, step.text) : null);
    })),
    h('div', { class: 'axis muted', 'aria-hidden': 'true' },
      h('span', null, '+0 s'), h('span', null, '+' + duration(span / 2)), h('span', null, '+' + duration(span))));
}

const LOG_LIMIT = 256 * 1024;

/**
 * The log. While the job runs it is followed live (server-sent events): the newest lines of each step as the
 * workers report them. Once it has ended, each step's last 64 KiB (the view with steps=all); the whole logs are
 * files of the job (logs/), to open or download below. Screen readers hear step changes, not every line.
 */
function Log({ job }) {
  const running = job.status === 'running';
  const [text, setText] = useState('');
  const [state, setState] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const pre = useRef(null);
  useEffect(() => {
    const abort = new AbortController();
    let collected = '';
    const add = (line) => {
      collected += line + '\n';
      if (collected.length > LOG_LIMIT) {
        collected = collected.slice(collected.length - LOG_LIMIT);
      }
      setText(collected);
    };
    if (running) {
      setState('following');
      followLog(job.id, (event, data) => {
        if (event === 'log') {
          add(data);
        } else if (event === 'step') {
          try {
            const step = JSON.parse(data);
            add(`\u2014 ${step.step}: ${step.status}`);
            setAnnouncement(`${step.step}: ${step.status}`);
          } catch (ignored) {
            add(data);
          }
        } else if (event === 'end') {
          setState('ended');
        }
      }, abort.signal).then(() => setState('ended'), (error) => {
        if (!abort.signal.aborted) {
          setState('stopped: ' + error.message);
        }
      });
    } else {
      setState('stored');
      api(`/job/${encodeURIComponent(job.id)}?steps=all`, { signal: abort.signal }).then((view) => {
        const parts = ['validate', 'compile', 'execute', 'cleanup'].filter((name) => view.steps && view.steps[name])
          .map((name) => `== ${name}: ${view.steps[name].status} ==\n${view.steps[name].text || ''}`);
        setText(parts.join('\n'));
      }, (error) => {
        if (!abort.signal.aborted) {
          setState('unavailable: ' + error.message);
        }
      });
    }
    return () => abort.abort();
  }, [job.id, running]);
  useEffect(() => {
    if (pre.current) {
      pre.current.scrollTop = pre.current.scrollHeight;
    }
  }, [text]);
  return h('section', { class: 'panel', 'aria-labelledby': 'log-title' },
    h('h2', { id: 'log-title' }, 'Log ', h('span', { class: 'muted log-state', 'data-state': state },
      state === 'following' ? '(live: the newest lines of each step)'
        : state === 'stored' ? '(the last 64 KiB of each step; the whole logs are under Files, logs/)'
          : state ? `(${state})` : '')),
    h('p', { class: 'sr-only', role: 'status' }, announcement),
    h('pre', { class: 'log', ref: pre, tabindex: 0, 'aria-label': 'job log' },
      text || (running ? 'Waiting for output\u2026' : '')));
}

function fileUrl(job, path) {
  return `/job/${encodeURIComponent(job.id)}/data/` + path.split('/').map(encodeURIComponent).join('/');
}

/** The job's stored files as a tree of folders that open and close; a file opens in the preview. */
/** The sum of the sizes of a file tree. */
function totalSize(node) {
  if (node.type !== 'directory') {
    return node.size || 0;
  }
  return (node.children || []).reduce((sum, child) => sum + totalSize(child), 0);
}

/** Above this a download through the page would hold too much in the tab: the page says how to fetch it instead. */
const BROWSER_DOWNLOAD_LIMIT = 512 * 1024 * 1024;

/** The job's stored files as a tree of folders that open and close; a file opens in the preview. */
function Files({ job }) {
  const [chosen, setChosen] = useState(null);
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  const size = totalSize(job.files);
  const all = async () => {
    setError(null);
    if (size > BROWSER_DOWNLOAD_LIMIT) {
      setError(new Error(`the files hold ${bytes(size)}, too much to pass through this page: fetch `
        + `/api/v1/job/${job.id}/archive with curl (see the README)`));
      return;
    }
    setSaving(true);
    try {
      await download(`/job/${encodeURIComponent(job.id)}/archive`, job.id + '.zip');
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };
  return h('section', { class: 'panel', 'aria-labelledby': 'files-title' },
    h('div', { class: 'title-row' }, h('h2', { id: 'files-title' }, 'Files'),
      job.status === 'running' ? null : h('button', { onClick: all, disabled: saving },
        saving ? 'Preparing the zip\u2026' : `\u2B07 Download all (zip, ${bytes(size)})`)),
    h(ErrorText, { error }),
    job.status === 'running' || !(job.files.children || []).length
      ? h('p', { class: 'muted' }, 'The files are stored when the job ends.') :
    h('div', { class: 'files' },
      h('ul', { class: 'tree' }, (job.files.children || []).map((node) =>
        h(FileNode, { node, job, chosen, choose: setChosen }))),
      chosen ? h(Preview, { job, node: chosen, key: chosen.path }) : h('p', { class: 'muted' },
        'Choose a file to see it here.')));
}

function FileNode({ node, job, chosen, choose }) {
  if (node.type === 'directory') {
    const open = node.path === 'work' || node.path === 'work/results' || node.path === 'results';
    return h('li', null, h('details', { open },
      h('summary', null, node.name + '/'),
      h('ul', null, (node.children || []).map((child) => h(FileNode, { node: child, job, chosen, choose })))));
  }
  return h('li', null,
    h('button', { class: 'link' + (chosen && chosen.path === node.path ? ' chosen' : ''), 'data-path': node.path,
      'aria-pressed': chosen && chosen.path === node.path ? 'true' : 'false', onClick: () => choose(node) },
      node.name),
    ' ', h('span', { class: 'muted' }, bytes(node.size)));
}

const PREVIEW_BYTES = 64 * 1024;
const PICTURE_LIMIT = 16 * 1024 * 1024;

function kindOf(path) {
  const name = path.toLowerCase();
  if (/\.(png|jpe?g|gif)$/.test(name)) {
    return 'image';
  }
  if (/\.(csv|tsv)$/.test(name)) {
    return 'table';
  }
  return 'text';
}

/** A file's first 64 KiB as text or a table, or the picture; anything else only as a download. */
function Preview({ job, node }) {
  const [content, setContent] = useState(null);
  const [error, setError] = useState(null);
  const kind = kindOf(node.path);
  useEffect(() => {
    let url = null;
    let stopped = false;
    (async () => {
      try {
        if (kind === 'image' && node.size > PICTURE_LIMIT) {
          setContent({ tooLarge: true });
          return;
        }
        if (kind === 'image') {
          const response = await api(fileUrl(job, node.path), { raw: true });
          url = URL.createObjectURL(await response.blob());
          if (!stopped) {
            setContent({ url });
          }
          return;
        }
        const response = await api(fileUrl(job, node.path), { raw: true,
          headers: node.size > PREVIEW_BYTES ? { Range: `bytes=0-${PREVIEW_BYTES - 1}` } : {} });
        const buffer = new Uint8Array(await response.arrayBuffer());
        const binary = buffer.slice(0, 8000).includes(0);
        const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer);
        if (!stopped) {
          setContent({ text, binary, partial: node.size > PREVIEW_BYTES });
        }
      } catch (failure) {
        if (!stopped) {
          setError(failure);
        }
      }
    })();
    return () => {
      stopped = true;
      if (url) {
        URL.revokeObjectURL(url);
      }
    };
  }, [node.path]);
  const save = () => download(fileUrl(job, node.path), node.name).catch(setError);
  let body = h('p', { class: 'muted' }, 'Loading\u2026');
  if (content && content.tooLarge) {
    body = h('p', null, `A picture of ${bytes(node.size)}: download it to open it.`);
  } else if (content && content.url) {
    body = h('img', { src: content.url, alt: 'picture ' + node.path, class: 'picture' });
  } else if (content && content.binary) {
    body = h('p', null, 'A binary file: download it to open it.');
  } else if (content && kind === 'table') {
    body = h(CsvTable, { text: content.text, separator: node.path.toLowerCase().endsWith('.tsv') ? '\t' : ',' });
  } else if (content) {
    body = h('pre', { class: 'preview-text', tabindex: 0 }, content.text);
  }
  return h('div', { class: 'preview' },
    h('div', { class: 'title-row' }, h('h3', { class: 'mono' }, node.path),
      h('button', { onClick: save }, '\u2B07 Download')),
    h(ErrorText, { error }),
    content && content.partial ? h('p', { class: 'muted' }, `The first ${bytes(PREVIEW_BYTES)} of ${bytes(node.size)}.`)
      : null,
    body);
}

/** Comma- (or tab-) separated values with quoted fields; the first 200 rows. */
function parseCsv(text, separator) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < 201; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
      }
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function CsvTable({ text, separator }) {
  const rows = parseCsv(text, separator);
  if (!rows.length) {
    return h('p', { class: 'muted' }, 'An empty table.');
  }
  const [head, ...body] = rows;
  return h('div', { class: 'scroll' }, h('table', { class: 'csv' },
    h('thead', null, h('tr', null, head.map((cell) => h('th', { scope: 'col' }, cell)))),
    h('tbody', null, body.slice(0, 200).map((cells) => h('tr', null, cells.map((cell) => h('td', null, cell)))))));
}

function Reruns({ job }) {
  if (!job.reruns || !job.reruns.length) {
    return null;
  }
  return h('section', { class: 'panel', 'aria-labelledby': 'reruns-title' },
    h('h2', { id: 'reruns-title' }, 'Re-runs'),
    h('ul', null, job.reruns.map((rerun) => h('li', { key: rerun }, jobLink(rerun), ' \u00B7 ',
      h('a', { href: `#/compare/${encodeURIComponent(job.id)}/${encodeURIComponent(rerun)}` }, 'compare')))));
}
