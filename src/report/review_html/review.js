"use strict";
// Filtering, sorting and paging of the review's tables. The tables are complete without
// this script; it only hides and reorders their rows, and never writes markup.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var PAGE = 200;
  document.querySelectorAll("table.data[data-interactive]").forEach(function (table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var texts = null;
    var state = { filter: "", page: 0, column: -1, descending: false };
    var shown = rows;
    var controls = document.createElement("div");
    controls.className = "controls";
    var label = document.createElement("label");
    label.textContent = "Filter " + (table.getAttribute("data-noun") || "rows") + " ";
    var input = document.createElement("input");
    input.type = "search";
    input.setAttribute("aria-controls", table.id);
    label.appendChild(input);
    controls.appendChild(label);
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    controls.appendChild(status);
    var previous = button("Previous page");
    var next = button("Next page");
    controls.appendChild(previous);
    controls.appendChild(next);
    table.parentNode.insertBefore(controls, table);

    function button(text) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      return b;
    }
    function cellText(row, column) {
      var cell = row.cells[column];
      return cell ? (cell.getAttribute("data-sort") || cell.textContent).trim() : "";
    }
    function render() {
      var pages = Math.max(1, Math.ceil(shown.length / PAGE));
      state.page = Math.min(state.page, pages - 1);
      var first = state.page * PAGE;
      var visible = new Set(shown.slice(first, first + PAGE));
      rows.forEach(function (row) { row.hidden = !visible.has(row); });
      table.classList.remove("paged");
      status.textContent = shown.length === 0 ? "No rows match." :
        "Rows " + (first + 1) + "\u2013" + Math.min(first + PAGE, shown.length) + " of " + shown.length +
        (shown.length === rows.length ? "" : " (filtered from " + rows.length + ")");
      previous.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
    }
    function apply() {
      var needle = state.filter.toLowerCase();
      if (needle && texts === null) {
        texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
      }
      shown = rows.filter(function (row, i) { return !needle || texts[i].indexOf(needle) !== -1; });
      if (state.column >= 0) {
        var column = state.column, sign = state.descending ? -1 : 1;
        var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
        shown.sort(function (a, b) { return sign * collator.compare(cellText(a, column), cellText(b, column)); });
        var kept = new Set(shown);
        var order = shown.concat(rows.filter(function (row) { return !kept.has(row); }));
        order.forEach(function (row) { body.appendChild(row); });
      }
      render();
    }
    input.addEventListener("input", function () { state.filter = input.value; state.page = 0; apply(); });
    previous.addEventListener("click", function () { state.page -= 1; render(); });
    next.addEventListener("click", function () { state.page += 1; render(); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      var sort = button(th.textContent);
      sort.className = "sort";
      th.textContent = "";
      th.appendChild(sort);
      sort.addEventListener("click", function () {
        state.descending = state.column === column ? !state.descending : false;
        state.column = column;
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
        apply();
      });
    });
    if (rows.length > PAGE) {
      status.textContent = "Rows 1\u2013" + PAGE + " of " + rows.length;
      previous.disabled = true;
    } else {
      previous.hidden = true;
      next.hidden = true;
      status.textContent = rows.length + " rows";
    }
  });
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
});
