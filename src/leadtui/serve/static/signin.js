// The sign-in link carries its one-time token after '#': post it, then
// forget it (out of the address bar and the history).
(function () {
  var token = window.location.hash.slice(1);
  var form = document.getElementById("signin");
  history.replaceState(null, "", window.location.pathname);
  if (!token) {
    document.getElementById("missing").hidden = false;
    document.getElementById("go").hidden = true;
    return;
  }
  document.getElementById("token").value = token;
  form.submit();
})();
