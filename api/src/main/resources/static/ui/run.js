// Upload a compendium (a zip, a tar.gz, or a folder packed here as a tar.gz) and start a job on it.

import { api, post } from './api.js';
import { h, useState, ErrorText, bytes, navigate } from './common.js';

/** What the server unpacks at most (README "Compendia"); a bigger folder is refused here, before any upload. */
const MAX_ENTRIES = 20000;
const MAX_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Packs files ({path, file}) as a POSIX tar archive, gzipped by the browser's own CompressionStream. A path that
 * does not fit ustar's name fields gets a PAX header with the whole path. A browser does not show a file's
 * mode, so a file that starts with "#!" (a script) is packed executable, the others not.
 */
async function tarGz(entries) {
  if (entries.length > MAX_ENTRIES) {
    throw new Error(`the folder holds ${entries.length} files; a compendium may hold at most ${MAX_ENTRIES}`);
  }
  const total = entries.reduce((sum, entry) => sum + entry.file.size, 0);
  if (total > MAX_BYTES) {
    throw new Error(`the folder holds ${bytes(total)}; a compendium may hold at most ${bytes(MAX_BYTES)}`);
  }
  const parts = [];
  const encoder = new TextEncoder();
  for (const { path, file } of entries) {
    const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
    const mode = head[0] === 0x23 && head[1] === 0x21 ? 0o755 : 0o644;
    const modified = Math.floor((file.lastModified || Date.now()) / 1000);
    const name = encoder.encode(path);
    let fields = null;
    if (name.length <= 100) {
      fields = { name, prefix: new Uint8Array(0) };
    } else {
      const split = findSplit(path);
      if (split >= 0) {
        fields = { name: encoder.encode(path.slice(split + 1)), prefix: encoder.encode(path.slice(0, split)) };
      }
    }
    if (!fields) {
      const record = paxRecord('path', path);
      parts.push(header(encoder.encode('PaxHeader'), new Uint8Array(0), 0o644, record.length, modified, 'x'));
      parts.push(record, padding(record.length));
      fields = { name: name.slice(0, 100), prefix: new Uint8Array(0) };
    }
    parts.push(header(fields.name, fields.prefix, mode, file.size, modified, '0'), file, padding(file.size));
  }
  parts.push(new Uint8Array(1024));
  const packed = new Blob(parts).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(packed).blob();
}

/** One ustar header block. */
function header(name, prefix, mode, size, modified, type) {
  const block = new Uint8Array(512);
  block.set(name.slice(0, 100), 0);
  writeOctal(block, 100, 8, mode);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, modified);
  block.fill(0x20, 148, 156);
  block[156] = type.charCodeAt(0);
  block.set(new TextEncoder().encode('ustar\u000000'), 257);
  block.set(prefix.slice(0, 155), 345);
  let sum = 0;
  for (const byte of block) {
    sum += byte;
  }
  writeOctal(block, 148, 7, sum);
  return block;
}

/** A PAX extended header record, "<length> <key>=<value>\n", whose length counts its own digits. */
function paxRecord(key, value) {
  const body = new TextEncoder().encode(` ${key}=${value}\n`);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) {
    length = String(length).length + body.length;
  }
  const record = new Uint8Array(length);
  record.set(new TextEncoder().encode(String(length)), 0);
  record.set(body, String(length).length);
  return record;
}

function padding(size) {
  return new Uint8Array((512 - (size % 512)) % 512);
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
    const items = Array.from(event.dataTransfer.items || []).filter((item) => item.kind === 'file');
    if (items.length > 1) {
      setChosen(null);
      setError(new Error(`${items.length} items were dropped: drop one folder or one archive`));
      return;
    }
    const entry = items[0] && items[0].webkitGetAsEntry ? items[0].webkitGetAsEntry() : null;
    if (entry && entry.isDirectory) {
      setError(null);
      setBusy('reading the folder');
      try {
        const files = await walk(entry, '', []);
        await chooseFolder(files, entry.name);
      } catch (failure) {
        setError(new Error('the folder could not be read: ' + failure.message));
      } finally {
        setBusy('');
      }
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
