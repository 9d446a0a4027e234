() => {
  // The web chat's behaviour (qa/chat.py runs this once as the page loads).

  // The element that scrolls the conversation: #chat itself or a box inside it, whichever overflows.
  const scroller = (from) => {
    for (let el = from; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) return el;
      if (el.id === 'chat') break;
    }
    return document.querySelector('#chat');
  };

  // Scroll `target`'s top to just below the top of its scroll box, and the box into the window.
  const reveal = (target) => {
    const box = scroller(target.parentElement);
    box.scrollTop += target.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
    const rect = box.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) box.scrollIntoView({block: 'nearest'});
  };

  // After a reply: the question just asked at the top of the chat, its answer right below it.
  window.qaShowNewest = () => setTimeout(() => {
    const asked = document.querySelectorAll('#chat .user-row, #chat [data-testid=user]');
    const last = asked[asked.length - 1];
    if (last) reveal(last.closest('.message-row') || last);
  }, 50);

  document.addEventListener('click', (event) => {
    // A [n] marker: land on source n of the same reply, and flash it.
    const cite = event.target.closest('#chat a.cite');
    if (cite) {
      event.preventDefault();
      const reply = cite.closest('[data-testid=bot]') || cite.closest('.message') || document;
      const rank = cite.textContent.trim();
      const card = [...reply.querySelectorAll('.source')]
        .find((s) => s.querySelector('.source-head b')?.textContent.trim() === rank);
      if (card) {
        reveal(card);
        card.classList.remove('flash');
        void card.offsetWidth;  // restart the animation
        card.classList.add('flash');
        card.setAttribute('tabindex', '-1');
        card.focus({preventScroll: true});
      }
      return;
    }
    // "Copy answer": the answer's text, [n] markers included, to the clipboard.
    const copy = event.target.closest('#chat .copy-answer');
    if (copy) {
      const reply = copy.closest('[data-testid=bot]') || copy.closest('.message');
      const text = reply?.querySelector('.answer')?.innerText.trim() || '';
      navigator.clipboard.writeText(text).then(
        () => { copy.textContent = 'Copied'; setTimeout(() => { copy.textContent = 'Copy answer'; }, 1500); },
        () => { copy.textContent = 'Copy failed: select the text instead'; });
    }
  });

  // While chosen files travel to the server (before "Adding …" lines can come back from it), say so and keep
  // "Add files" from being pressed again. Files the page refuses to send (over the cap the status list
  // carries, qa/documents_panel.py) get the server's own words instead of Gradio's.
  const addButton = () => {
    const button = document.querySelector('#add-documents');
    return button?.tagName === 'BUTTON' ? button : button?.querySelector('button');
  };
  const line = (kind, text) => {
    const item = document.createElement('li');
    item.className = kind;
    item.textContent = text;
    return item;
  };
  document.addEventListener('change', (event) => {
    const input = event.target;
    const list = document.querySelector('#documents-status .status');
    if (!input.matches?.('#your-documents input[type=file]') || !input.files?.length || !list) return;
    const files = [...input.files], megabytes = (bytes) => (bytes / 1048576).toFixed(1);
    const cap = Number(list.dataset.capBytes || Infinity), limit = list.dataset.limitMb;
    if (files.some((file) => file.size > cap)) {
      list.replaceChildren(...files.map((file) => file.size > cap
        ? line('error', `✗ ${file.name} was not added: it is ${megabytes(file.size)} MB, larger than the limit ` +
                        `of ${limit} MB. Split it into smaller files.`)
        : line('error', `✗ ${file.name} was not added: it was chosen with a file over the limit; add it again.`)));
      return;
    }
    const what = files.length === 1 ? files[0].name : `${files.length} files`;
    const size = megabytes(files.reduce((sum, file) => sum + file.size, 0));
    list.replaceChildren(line('pending uploading', `Uploading ${what} (${size} MB)…`));
    addButton()?.setAttribute('disabled', '');
  }, true);
  // An upload Gradio gives up on (its error toast) must not leave "Uploading …" and a disabled button behind.
  new MutationObserver(() => {
    const uploading = document.querySelector('#documents-status li.uploading');
    const error = document.querySelector('.toast-body.error .toast-message-text');
    if (uploading && error) {
      uploading.replaceWith(line('error', `✗ The upload failed: ${error.textContent.trim()}`));
      addButton()?.removeAttribute('disabled');
    }
  }).observe(document.body, {childList: true, subtree: true});

  // Each document's remove button says which document it removes, to screen readers too. Gradio reuses a
  // button's element for another button when the list changes, so a name set here is taken off any button
  // that is no longer a remove button.
  const name = () => {
    document.querySelectorAll('button[data-qa-named]:not(.doc-remove)').forEach((button) => {
      button.removeAttribute('aria-label');
      button.removeAttribute('data-qa-named');
    });
    document.querySelectorAll('#your-documents .doc-row').forEach((row) => {
      const title = row.querySelector('.doc-ask label')?.textContent.split(' · ')[0].trim();
      const button = row.querySelector('.doc-remove');
      if (title && button && button.getAttribute('aria-label') !== `Remove “${title}”`) {
        button.setAttribute('aria-label', `Remove “${title}”`);
        button.setAttribute('data-qa-named', '');
      }
    });
  };
  new MutationObserver(name).observe(document.body, {childList: true, subtree: true, characterData: true,
                                                     attributes: true, attributeFilter: ['class']});
}
