// Two jobs side by side: a verdict per output file and the text diffs, line by line with their + and - signs.

import { api } from './api.js';
import { h, Fragment, useState, Status, ErrorText, bytes, jobLink, usePolling, navigate } from './common.js';

export function ComparePage({ a, b }) {
  const pick = (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const first = String(form.get('a') || '').trim();
    const second = String(form.get('b') || '').trim();
    if (first && second) {
      navigate(`/compare/${encodeURIComponent(first)}/${encodeURIComponent(second)}`);
    }
  };
  return h('section', { 'aria-labelledby': 'compare-title' },
    h('h1', { id: 'compare-title' }, 'Compare two runs'),
    h('form', { class: 'filters', onSubmit: pick },
      h('label', null, 'Job A ', h('input', { name: 'a', defaultValue: a || '', size: 14, required: true, autocomplete: 'off' })),
      h('label', null, 'Job B ', h('input', { name: 'b', defaultValue: b || '', size: 14, required: true, autocomplete: 'off' })),
      h('button', { type: 'submit' }, 'Compare')),
    a && b ? h(Comparison, { a, b, key: a + '/' + b }) : null);
}

function Comparison({ a, b }) {
  const { value, error } = usePolling(
    () => api(`/job/${encodeURIComponent(a)}/compare/${encodeURIComponent(b)}`), [a, b], 0, () => false);
  if (error) {
    return h(ErrorText, { error });
  }
  if (!value) {
    return h('p', { class: 'muted' }, 'Comparing\u2026');
  }
  const counts = Object.entries(value.counts || {}).map(([name, count]) => `${count} ${name.replace(/_/g, ' ')}`);
  return h(Fragment, null,
    h('p', { class: 'verdict', 'data-verdict': value.verdict }, h(Status, { value: value.verdict }),
      ' \u00B7 A: ', jobLink(value.job_a), ' \u00B7 B: ', jobLink(value.job_b), ' \u00B7 ', counts.join(', ')),
    h('div', { class: 'scroll' }, h('table', { class: 'compare' },
      h('thead', null, h('tr', null, ['File', 'Verdict', 'Size A', 'Size B'].map((name) =>
        h('th', { scope: 'col' }, name)))),
      h('tbody', null, value.files.map((file) => h(FileRow, { file, key: file.path }))))));
}

function FileRow({ file }) {
  const [open, setOpen] = useState(!!file.diff && file.verdict === 'different');
  return h(Fragment, null,
    h('tr', { 'data-path': file.path },
      h('td', { class: 'mono' }, file.path, file.ignored ? h('span', { class: 'tag' }, 'ignored') : null),
      h('td', null, h(Status, { value: file.verdict })),
      h('td', null, bytes(file.size_a)),
      h('td', null, bytes(file.size_b))),
    file.diff || file.diff_omitted ? h('tr', { class: 'diff-row' }, h('td', { colspan: 4 },
      file.diff ? h('details', { open, onToggle: (event) => setOpen(event.target.open) },
        h('summary', null, 'Diff of ', file.path),
        h(Diff, { text: file.diff }))
        : h('p', { class: 'muted' }, 'No diff: ', file.diff_omitted))) : null);
}

/** A unified diff: each line keeps its sign (+, -, @@), which the colour only repeats. */
function Diff({ text }) {
  const lines = text.split('\n');
  return h('pre', { class: 'diff', tabindex: 0 }, lines.map((line) => {
    let kind = 'same';
    if (line.startsWith('+++') || line.startsWith('---')) {
      kind = 'file';
    } else if (line.startsWith('@@')) {
      kind = 'hunk';
    } else if (line.startsWith('+')) {
      kind = 'add';
    } else if (line.startsWith('-')) {
      kind = 'del';
    }
    return h('span', { class: 'line ' + kind }, line + '\n');
  }));
}
