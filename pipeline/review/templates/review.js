// The y / n / u keys press the answer buttons (the page works without this file).
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target && ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
  const button = document.querySelector(`button[data-key="${event.key.toLowerCase()}"]`);
  if (button) {
    event.preventDefault();
    button.click();
  }
});
// Say that the keys work now (a key pressed before this line ran does nothing; tests wait for it).
document.documentElement.dataset.keys = "ready";
