// Audits: start one from a filter, watch it, and read the reproducibility rate and every job's verdict.

import { api, post } from './api.js';
import { h, Fragment, useState, Status, Time, ErrorText, jobLink, usePolling, navigate } from './common.js';

export function AuditsPage({ me }) {
  const { value: ids, error } = usePolling(() => api('/audit'), [], 0, () => false);
  const recent = ids ? ids.results.slice(0, 20) : [];
  return h('section', { 'aria-labelledby': 'audits-title' },
    h('h1', { id: 'audits-title' }, 'Audits'),
    h(StartAudit, { me }),
    h('h2', null, 'Recent audits'),
    h(ErrorText, { error }),
    ids && !recent.length ? h('p', { class: 'empty' }, 'No audits yet.') : null,
    recent.length ? h('div', { class: 'scroll' }, h('table', null,
      h('thead', null, h('tr', null, ['Audit', 'Status', 'Started by', 'Created', 'Result'].map((name) =>
        h('th', { scope: 'col' }, name)))),
      h('tbody', null, recent.map((id) => h(AuditRow, { id, key: id }))))) : null);
}

function AuditRow({ id }) {
  const { value, error } = usePolling(() => api('/audit/' + encodeURIComponent(id)), [id], 0, () => false);
  return h('tr', null,
    h('td', null, h('a', { href: '#/audit/' + encodeURIComponent(id), class: 'mono' }, id)),
    h('td', null, value ? h(Status, { value: value.status }) : error ? 'unavailable' : '\u2026'),
    h('td', null, value ? value.started_by || value.user : ''),
    h('td', null, value ? h(Time, { value: value.created }) : ''),
    h('td', null, value ? value.result || '' : ''));
}

function StartAudit() {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const text = (name) => String(form.get(name) || '').trim();
    const filter = {};
    if (text('compendium_id')) {
      filter.compendium_id = text('compendium_id').split(/[\s,]+/).filter(Boolean);
    }
    if (text('status')) {
      filter.status = text('status');
    }
    if (text('user')) {
      filter.user = text('user');
    }
    if (text('limit')) {
      filter.limit = Number(text('limit'));
    }
    const body = { filter, parallelism: Number(text('parallelism') || 2), rebuild: form.get('rebuild') === 'on' };
    if (text('job_ids')) {
      delete body.filter;
      body.job_ids = text('job_ids').split(/[\s,]+/).filter(Boolean);
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await post('/audit', body);
      navigate('/audit/' + encodeURIComponent(answer.audit_id));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return h('form', { class: 'panel audit-form', onSubmit: submit, 'aria-labelledby': 'start-title' },
    h('h2', { id: 'start-title' }, 'Start an audit'),
    h('p', { class: 'muted' }, 'Re-run past jobs with their recorded images and compare the outputs. Name jobs, or ',
      'choose them with the job list\u2019s filters.'),
    h('div', { class: 'grid' },
      h('label', null, 'Job ids ', h('input', { name: 'job_ids', placeholder: 'id, id, \u2026', autocomplete: 'off' })),
      h('label', null, 'Compendium ids ', h('input', { name: 'compendium_id', placeholder: 'id, id, \u2026', autocomplete: 'off' })),
      h('label', null, 'Status ', h('select', { name: 'status' },
        ['', 'success', 'failure'].map((status) => h('option', { value: status }, status || 'any')))),
      h('label', null, 'User ', h('input', { name: 'user', autocomplete: 'off' })),
      h('label', null, 'Limit ', h('input', { name: 'limit', type: 'number', min: 1, max: 1000, defaultValue: 20 })),
      h('label', null, 'Parallelism ', h('input', { name: 'parallelism', type: 'number', min: 1, max: 16, defaultValue: 2 })),
      h('label', { class: 'check' }, h('input', { name: 'rebuild', type: 'checkbox' }), ' rebuild each image')),
    h(ErrorText, { error }),
    h('button', { type: 'submit', disabled: busy }, busy ? 'Starting\u2026' : 'Start audit'));
}

export function AuditPage({ me, id }) {
  const [reload, setReload] = useState(0);
  const [actionError, setActionError] = useState(null);
  const { value: audit, error } = usePolling(() => api('/audit/' + encodeURIComponent(id)), [id, reload], 1500,
    (view) => view.status === 'running');
  if (!audit) {
    return h('section', null, h('h1', null, 'Audit ', h('span', { class: 'mono' }, id)), h(ErrorText, { error }));
  }
  const cancel = async () => {
    setActionError(null);
    try {
      await post(`/audit/${encodeURIComponent(id)}/cancel`);
      setReload(reload + 1);
    } catch (failure) {
      setActionError(failure);
    }
  };
  const progress = audit.progress || { total: 0, ended: 0 };
  const mayCancel = audit.status === 'running' && (me.role === 'operator' || audit.user === me.user
    || audit.started_by === me.user);
  return h('section', { 'aria-labelledby': 'audit-title' },
    h('div', { class: 'title-row' },
      h('h1', { id: 'audit-title' }, 'Audit ', h('span', { class: 'mono' }, audit.id), ' ', h(Status, { value: audit.status })),
      mayCancel ? h('button', { class: 'danger', onClick: cancel }, 'Cancel audit') : null),
    h(ErrorText, { error: actionError }),
    h('div', { class: 'progress-row' },
      h('progress', { max: Math.max(progress.total, 1), value: progress.ended, 'aria-labelledby': 'progress-label' }),
      h('span', { id: 'progress-label', class: 'progress-text' }, `${progress.ended} of ${progress.total} jobs ended`)),
    audit.reproducibility_rate != null ? h('p', { class: 'rate' },
      h('span', { class: 'rate-value', 'data-rate': audit.reproducibility_rate },
        Math.round(audit.reproducibility_rate * 1000) / 10 + '%'), ' reproduced \u00B7 ', audit.result,
      audit.reproducibility_interval ? h('span', { class: 'rate-interval' }, ' \u00B7 95% interval ',
        Math.round(audit.reproducibility_interval.low * 100) + '% to ',
        Math.round(audit.reproducibility_interval.high * 100) + '% (Wilson)') : null) : null,
    audit.verdicts ? h(VerdictChart, { verdicts: audit.verdicts }) : null,
    h('dl', { class: 'facts' },
      h('dt', null, 'Started by'), h('dd', null, audit.started_by || audit.user),
      h('dt', null, 'Created'), h('dd', null, h(Time, { value: audit.created })),
      h('dt', null, 'Parallelism'), h('dd', null, audit.parallelism),
      h('dt', null, 'Rebuild'), h('dd', null, audit.rebuild ? 'yes' : 'no')),
    audit.jobs && audit.jobs.length ? h('div', { class: 'scroll' }, h('table', { class: 'audit-jobs' },
      h('thead', null, h('tr', null, ['Job', 'Re-run', 'Verdict', 'Mismatches', 'Comparison'].map((name) =>
        h('th', { scope: 'col' }, name)))),
      h('tbody', null, audit.jobs.map((row) => h('tr', { key: row.job_id, 'data-job': row.job_id },
        h('td', null, jobLink(row.job_id)),
        h('td', null, row.rerun_job_id ? jobLink(row.rerun_job_id) : '\u2014'),
        h('td', null, h(Status, { value: row.verdict }), row.text ? h('div', { class: 'muted' }, row.text) : null),
        h('td', null, (row.mismatches || []).join(', ')),
        h('td', null, row.rerun_job_id ? h('a', {
          href: `#/compare/${encodeURIComponent(row.job_id)}/${encodeURIComponent(row.rerun_job_id)}` }, 'compare')
          : '\u2014')))))) : null);
}

/** The verdicts as horizontal bars, each labelled with its name and count, so the numbers read without colour. */
function VerdictChart({ verdicts }) {
  const entries = Object.entries(verdicts).sort((x, y) => y[1] - x[1]);
  const most = Math.max(1, ...entries.map(([, count]) => count));
  const row = 28;
  const labelWidth = 150;
  const width = 520;
  return h('figure', { class: 'chart' },
    h('svg', { viewBox: `0 0 ${width} ${entries.length * row + 4}`, role: 'img',
      'aria-label': 'verdicts: ' + entries.map(([name, count]) => `${count} ${name.replace(/_/g, ' ')}`).join(', ') },
      entries.map(([name, count], index) => {
        const barWidth = ((width - labelWidth - 60) * count) / most;
        const y = index * row + 2;
        return h('g', { class: 'bar-' + name, key: name },
          h('text', { x: 0, y: y + 17, class: 'chart-label' }, name.replace(/_/g, ' ')),
          h('rect', { x: labelWidth, y, width: Math.max(barWidth, 2), height: row - 8, class: 'chart-bar verdict-' + name }),
          h('text', { x: labelWidth + Math.max(barWidth, 2) + 6, y: y + 17, class: 'chart-count' }, String(count)));
      })),
    h('figcaption', { class: 'muted' }, 'Jobs by verdict'));
}
