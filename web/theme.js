/* tokmeter dashboard: applies the remembered theme before the first paint. */
'use strict';

(() => {
  try {
    const saved = localStorage.getItem('tokmeter.theme');

    if (saved === 'light' || saved === 'dark')
      document.documentElement.dataset.theme = saved;
  } catch (_) {
    /* storage disabled: follow the system */
  }
})();
