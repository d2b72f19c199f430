/// The only script the app serves (`/app.js`, loaded with the page's CSP nonce): the live
/// redaction preview and "mark as identifying". It builds the preview with textContent only.
enum Script {
    static let source = #"""
    (function () {
      'use strict';
      var form = document.getElementById('session-form');
      if (!form) { return; }
      var csrf = document.querySelector('meta[name=csrf]').content;
      var out = document.getElementById('preview');
      var count = document.getElementById('preview-count');
      var timer = null;
      function post(url, params) {
        return fetch(url, { method: 'POST', credentials: 'same-origin', cache: 'no-store',
          headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/x-www-form-urlencoded' }, body: params })
          .then(function (r) { return r.json(); });
      }
      function render(data) {
        out.textContent = '';
        if (data.error) { count.textContent = 'Refused: ' + data.error; return; }
        data.fields.forEach(function (f) {
          var p = document.createElement('p');
          var b = document.createElement('strong'); b.textContent = f.label + ': '; p.appendChild(b);
          f.segments.forEach(function (s) {
            if (s.placeholder) {
              var m = document.createElement('mark'); m.textContent = s.text; m.title = 'stored as ' + s.placeholder;
              m.setAttribute('data-placeholder', s.placeholder); p.appendChild(m);
              var ph = document.createElement('span'); ph.className = 'ph'; ph.textContent = ' \u2192 ' + s.placeholder; p.appendChild(ph);
            } else { p.appendChild(document.createTextNode(s.text)); }
          });
          out.appendChild(p);
        });
        count.textContent = data.count + ' identifying detail(s) will be masked before storage.';
      }
      function preview() {
        var params = new URLSearchParams();
        ['topics', 'progress', 'follow_up'].forEach(function (n) { params.append(n, form.elements[n].value); });
        post(form.getAttribute('data-preview'), params).then(render);
      }
      form.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(preview, 300); });
      document.getElementById('identify-button').addEventListener('click', function () {
        var word = document.getElementById('identify-word');
        if (!word.value) { return; }
        var params = new URLSearchParams(); params.append('word', word.value);
        post(form.getAttribute('data-identify'), params).then(function (d) {
          document.getElementById('identify-status').textContent = d.message; word.value = ''; preview();
        });
      });
      preview();
    })();
    """#
}
