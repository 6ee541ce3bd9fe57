/* tokmeter dashboard: shared helpers (the views come later). */
'use strict';

const tokmeter = (() => {
  const errorBox = () => document.getElementById('error');

  /* Shows msg in the page's error banner. */
  function showError(msg) {
    const box = errorBox();

    if (!box) return;
    box.textContent = msg;
    box.hidden = false;
  }

  function clearError() {
    const box = errorBox();

    if (box) box.hidden = true;
  }

  /* The server's message from a JSON error body, else the status line. */
  async function failure(res) {
    try {
      const body = await res.json();

      if (body && typeof body.error === 'string') return body.error;
      if (body && body.error && typeof body.error.message === 'string')
        return body.error.message;
    } catch (_) {
      /* not JSON: fall back to the status */
    }
    return `${res.status} ${res.statusText}`.trim();
  }

  /*
   * Fetches url and resolves to its parsed JSON. On failure (network,
   * HTTP status, bad JSON) shows the error in the banner and rejects.
   */
  async function getJSON(url, options = {}) {
    let msg;

    try {
      const res = await fetch(url, {
        ...options,
        headers: { Accept: 'application/json', ...options.headers },
      });

      if (!res.ok) {
        msg = await failure(res);
      } else {
        const data = await res.json();

        clearError();
        return data;
      }
    } catch (err) {
      msg = err instanceof SyntaxError ? 'the answer is not JSON' : err.message;
    }
    showError(`cannot load ${url}: ${msg}`);
    throw new Error(msg);
  }

  return { getJSON, showError, clearError };
})();
