// Upload a compendium (a zip, a tar.gz, or a folder packed here as a tar.gz) and start a job on it.

import { api, post } from './api.js';
import { h, useState, ErrorText, bytes, navigate } from './common.js';

/** Packs files ({path, file}) as a POSIX ustar archive, gzipped by the browser's own CompressionStream. */
async function tarGz(entries) {
  const parts = [];
  const encoder = new TextEncoder();
  for (const { path, file } of entries) {
    const name = encoder.encode(path);
    let prefix = new Uint8Array(0);
    let rest = name;
    if (name.length > 100) {
      const split = findSplit(path);
      if (split < 0) {
        throw new Error(`the path ${path} is too long to pack here (more than 255 bytes); upload a zip instead`);
      }
      prefix = encoder.encode(path.slice(0, split));
      rest = encoder.encode(path.slice(split + 1));
    }
    const header = new Uint8Array(512);
    header.set(rest, 0);
    writeOctal(header, 100, 8, 0o644);
    writeOctal(header, 108, 8, 0);
    writeOctal(header, 116, 8, 0);
    writeOctal(header, 124, 12, file.size);
    writeOctal(header, 136, 12, Math.floor((file.lastModified || Date.now()) / 1000));
    header.fill(0x20, 148, 156);
    header[156] = 0x30;
    header.set(encoder.encode('ustar\u000000'), 257);
    header.set(prefix, 345);
    let sum = 0;
    for (const byte of header) {
      sum += byte;
    }
    writeOctal(header, 148, 7, sum);
    parts.push(header, file);
    const padding = (512 - (file.size % 512)) % 512;
    if (padding) {
      parts.push(new Uint8Array(padding));
    }
  }
  parts.push(new Uint8Array(1024));
  const packed = new Blob(parts).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(packed).blob();
}

/** Where a long path splits into ustar's prefix (at most 155 bytes) and name (at most 100): a slash. */
function findSplit(path) {
  const bytesOf = (text) => new TextEncoder().encode(text).length;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    if (bytesOf(path.slice(0, i)) <= 155 && bytesOf(path.slice(i + 1)) <= 100) {
      return i;
    }
  }
  return -1;
}

function writeOctal(header, offset, length, value) {
  const text = value.toString(8).padStart(length - 1, '0');
  for (let i = 0; i < length - 1; i++) {
    header[offset + i] = text.charCodeAt(i);
  }
  header[offset + length - 1] = 0;
}

/** Every file under a dropped folder, with paths relative to it. */
async function walk(entry, base, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ path: base + entry.name, file });
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) {
        break;
      }
      for (const child of batch) {
        await walk(child, base + entry.name + '/', out);
      }
    }
  }
  return out;
}

/** A folder's files without the folder's own name, as a compendium has its Dockerfile at the top. */
function strip(entries) {
  const top = entries.length ? entries[0].path.split('/')[0] + '/' : '';
  return entries.map(({ path, file }) => ({ path: path.startsWith(top) ? path.slice(top.length) : path, file }));
}

export function RunPage({ me }) {
  const [chosen, setChosen] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState('');
  const [over, setOver] = useState(false);

  const chooseFile = (file) => {
    setError(null);
    setChosen(file ? { name: file.name, size: file.size, blob: file } : null);
  };
  const chooseFolder = async (entries, name) => {
    setError(null);
    try {
      setBusy('packing the folder');
      const blob = await tarGz(strip(entries));
      setChosen({ name: name + '.tar.gz', size: blob.size, blob, files: entries.length });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy('');
    }
  };
  const drop = async (event) => {
    event.preventDefault();
    setOver(false);
    const item = event.dataTransfer.items && event.dataTransfer.items[0];
    const entry = item && item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
    if (entry && entry.isDirectory) {
      await chooseFolder(await walk(entry, '', []), entry.name);
    } else if (event.dataTransfer.files.length) {
      chooseFile(event.dataTransfer.files[0]);
    }
  };
  const folderInput = (event) => {
    const files = Array.from(event.target.files);
    if (files.length) {
      chooseFolder(files.map((file) => ({ path: file.webkitRelativePath || file.name, file })),
        (files[0].webkitRelativePath || 'folder').split('/')[0]);
    }
  };
  const submit = async (event) => {
    event.preventDefault();
    if (!chosen) {
      setError(new Error('choose a zip or tar.gz archive, or a folder, first'));
      return;
    }
    const priority = new FormData(event.target).get('priority');
    setError(null);
    try {
      setBusy('uploading');
      const form = new FormData();
      form.append('compendium', chosen.blob, chosen.name);
      const compendium = await api('/compendium', { method: 'POST', body: form });
      setBusy('starting the job');
      const job = await post('/job', priority ? { compendium_id: compendium.id, priority: Number(priority) }
        : { compendium_id: compendium.id });
      navigate('/job/' + encodeURIComponent(job.job_id));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy('');
    }
  };

  return h('section', { 'aria-labelledby': 'run-title' },
    h('h1', { id: 'run-title' }, 'Run a compendium'),
    h('p', null, 'A compendium is a zip or tar.gz archive (or a folder) with a Dockerfile at its top, and ',
      'optionally a ', h('code', null, 'reprise.yml'), '.'),
    h('form', { class: 'run', onSubmit: submit },
      h('div', { class: 'drop' + (over ? ' over' : ''), onDragOver: (event) => { event.preventDefault(); setOver(true); },
        onDragLeave: () => setOver(false), onDrop: drop },
        h('p', null, 'Drop an archive or a folder here, or choose one:'),
        h('label', null, 'Archive ', h('input', { type: 'file', name: 'archive', id: 'archive',
          accept: '.zip,.tar.gz,.tgz,application/zip,application/gzip', 'aria-describedby': 'upload-error',
          onChange: (event) => chooseFile(event.target.files[0]) })),
        h('label', null, 'Folder ', h('input', { type: 'file', name: 'folder', webkitdirectory: true,
          'aria-describedby': 'upload-error', onChange: folderInput }))),
      chosen ? h('p', { class: 'chosen-file' }, 'Chosen: ', h('strong', null, chosen.name), ' (', bytes(chosen.size),
        chosen.files ? `, ${chosen.files} files` : '', ')') : null,
      h(ErrorText, { error, id: 'upload-error' }),
      h('label', null, 'Priority ', h('select', { name: 'priority' },
        h('option', { value: '' }, 'default for ' + me.role),
        [1, 2, 3, 4, 5].map((value) => h('option', { value }, String(value))))),
      h('button', { type: 'submit', disabled: !!busy }, busy ? busy + '\u2026' : 'Upload and run')));
}
