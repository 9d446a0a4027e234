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
