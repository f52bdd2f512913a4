// The page's behaviour: the site's sidebar, the menu of a narrow screen, the theme toggle, table filters, and search
// over the site's index. The index (search-index.js) is loaded only when the search box is first used, as a script
// rather than with fetch, so that it also works from file://.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var theme = document.getElementById("theme");
  var root = input ? input.getAttribute("data-root") : "";
  var loading = false;

  // The site's sidebar, from site-nav.js (one file for all pages, instead of a copy in each): a section opens when
  // it is open by default or holds this page, whose link is marked and scrolled into view. A title comes cut where
  // it may wrap (a package path after its slashes). Without the script the sidebar keeps its link to all pages.
  var sidebar = document.querySelector("nav.sidebar");
  if (sidebar && window.KUBEWALK_NAV) {
    var here = window.location.href.split("#")[0];
    var sections = document.createDocumentFragment();
    var current = null;
    window.KUBEWALK_NAV.forEach(function (section) {
      var details = document.createElement("details");
      var summary = document.createElement("summary");
      var items = document.createElement("ul");
      summary.textContent = section.title;
      section.items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + item[1];
        item[0].forEach(function (part, i) {
          if (i > 0) a.appendChild(document.createElement("wbr"));
          a.appendChild(document.createTextNode(part));
        });
        if (a.href === here) {
          a.setAttribute("aria-current", "page");
          current = a;
        }
        li.appendChild(a);
        items.appendChild(li);
      });
      details.open = section.open || items.contains(current);
      details.appendChild(summary);
      details.appendChild(items);
      sections.appendChild(details);
    });
    var all = sidebar.querySelector(".all-pages");
    if (all) sidebar.removeChild(all);
    sidebar.appendChild(sections);
    if (current) sidebar.scrollTop = current.offsetTop - sidebar.clientHeight / 2;
  }

  // The menu: on a narrow screen (where style.css shows its button) the drawer with "On this page" and the site's
  // navigation opens over the page. The page behind it is inert while it is open; Escape, a click outside it, or
  // following one of its links closes it, and the focus goes back to the button.
  var menu = document.getElementById("menu");
  var drawer = document.getElementById("drawer");
  var header = document.querySelector("header.top");
  var content = document.getElementById("main-content");
  var narrow = window.matchMedia("(max-width: 720px)");
  // The header's height, which depends on how its items wrap: the drawer starts below it, and a link to a heading
  // leaves the heading below it.
  function measureHeader() {
    if (header) document.documentElement.style.setProperty("--header-height", header.getBoundingClientRect().height + "px");
  }
  measureHeader();
  window.addEventListener("resize", measureHeader);
  function setMenu(open, refocus) {
    if (!menu || !drawer) return;
    menu.setAttribute("aria-expanded", open ? "true" : "false");
    document.body.classList.toggle("menu-open", open);
    if (content) content.inert = open;
    if (open) {
      measureHeader();
      // The drawer itself takes the focus, so that Tab goes on to its first link ("On this page" first).
      drawer.scrollTop = 0;
      drawer.focus({ preventScroll: true });
    } else if (refocus) {
      menu.focus();
    }
  }
  if (menu && drawer) {
    menu.addEventListener("click", function () {
      setMenu(menu.getAttribute("aria-expanded") !== "true", true);
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && document.body.classList.contains("menu-open")) {
        ev.preventDefault();
        setMenu(false, true);
      }
    });
    document.addEventListener("click", function (ev) {
      if (!document.body.classList.contains("menu-open")) return;
      if (menu.contains(ev.target)) return;
      if (drawer.contains(ev.target) && !ev.target.closest("a")) return;
      setMenu(false, !drawer.contains(ev.target));
    });
    var widened = function () { if (!narrow.matches) setMenu(false, false); };
    if (narrow.addEventListener) narrow.addEventListener("change", widened);
  }

  theme && theme.addEventListener("click", function () {
    var current = document.documentElement.getAttribute("data-theme");
    if (!current) {
      current = window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    }
    var next = current === "dark" ? "light" : "dark";
    document.documentElement.setAttribute("data-theme", next);
    try { localStorage.setItem("kubewalk-theme", next); } catch (e) {}
  });

  // A filter box above a page's tables (`<input class="table-filter">`) hides the rows that do not contain
  // every word typed, in every table after it, and the headings of sections left empty.
  Array.prototype.forEach.call(document.querySelectorAll("input.table-filter"), function (box) {
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(document.querySelectorAll("table"), function (table) {
        if (!(box.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING)) return;
        var shown = 0;
        Array.prototype.forEach.call(table.tBodies, function (body) {
          Array.prototype.forEach.call(body.rows, function (row) {
            var text = row.textContent.toLowerCase();
            var match = words.every(function (w) { return text.indexOf(w) >= 0; });
            row.hidden = !match;
            if (match) shown++;
          });
        });
        var heading = table.previousElementSibling;
        while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
        table.hidden = shown === 0;
        if (heading) heading.hidden = shown === 0;
      });
    });
  });

  if (!input) return;

  function load(then) {
    if (window.KUBEWALK_SEARCH) return then();
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = root + "search-index.js";
    s.onload = function () { loading = false; then(); };
    document.head.appendChild(s);
  }

  function score(name, q) {
    var n = name.toLowerCase();
    if (n === q) return 0;
    if (n.indexOf(q) === 0) return 1;
    if (n.indexOf(q) >= 0) return 2;
    return -1;
  }

  function render() {
    var q = input.value.trim().toLowerCase();
    list.innerHTML = "";
    if (!q || !window.KUBEWALK_SEARCH) { list.hidden = true; return; }
    var hits = [];
    var index = window.KUBEWALK_SEARCH;
    for (var i = 0; i < index.length; i++) {
      var s = score(index[i][0], q);
      if (s < 0) s = index[i][2].toLowerCase().indexOf(q) >= 0 ? 3 : -1;
      if (s >= 0) hits.push([s, index[i][0].length, index[i]]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2][0] < b[2][0] ? -1 : 1); });
    hits.slice(0, 30).forEach(function (h) {
      var e = h[2];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e[3];
      a.textContent = e[0];
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = e[1];
      var detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = e[2];
      li.appendChild(a);
      li.appendChild(kind);
      li.appendChild(detail);
      list.appendChild(li);
    });
    if (!hits.length) {
      var none = document.createElement("li");
      none.textContent = "No match";
      list.appendChild(none);
    }
    list.hidden = false;
  }

  // A result on this page (a diff report's change) only moves the page: the list closes as another page would.
  list.addEventListener("click", function (ev) {
    if (ev.target.closest("a")) { list.hidden = true; input.blur(); }
  });
  document.addEventListener("click", function (ev) {
    if (!list.hidden && !list.contains(ev.target) && ev.target !== input) list.hidden = true;
  });
  input.addEventListener("focus", function () { load(render); });
  input.addEventListener("input", function () { load(render); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { input.value = ""; render(); }
    if (ev.key === "Enter") {
      var first = list.querySelector("a");
      if (first) { list.hidden = true; window.location.href = first.href; }
    }
  });
})();
