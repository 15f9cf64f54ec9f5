// How a typed figure is read, shown beside its input while typing (claims/admin/figures.py: FigureInput).
// The admin's JSON endpoint answers with the same reading the form applies when saving (claims.quantities); this
// script only asks and prints. Without it, the form shows the reading after a failed validation.
"use strict";
(function () {
  const DELAY_MS = 250;
  const CLAIM_INPUTS = { value: "id_value", lower: "id_lower_bound", upper: "id_upper_bound" };
  const timers = new Map();
  const latest = new Map();

  function show(input, reading, error) {
    const output = document.getElementById(input.id + "_reading");
    if (!output) return;
    output.textContent = error || reading || "";
    output.classList.toggle("figure-error", Boolean(error));
  }

  function ask(key, input, params, answer) {
    const url = input.dataset.readingUrl + "?" + new URLSearchParams(params).toString();
    const ticket = (latest.get(key) || 0) + 1;
    latest.set(key, ticket);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => {
        if (body && latest.get(key) === ticket) answer(body);
      })
      .catch(() => {});
  }

  function selected(id) {
    const element = document.getElementById(id);
    return element ? element.value : "";
  }

  function readClaimFigure() {
    const inputs = {};
    const params = { unit: selected("id_unit"), qualifier: selected("id_qualifier") };
    for (const [field, id] of Object.entries(CLAIM_INPUTS)) {
      const input = document.getElementById(id);
      if (!input || !input.dataset.readingUrl) continue;
      inputs[field] = input;
      params[field] = input.value;
    }
    const any = Object.values(inputs)[0];
    if (!any) return;
    ask("claim", any, params, (body) => {
      for (const [field, input] of Object.entries(inputs)) {
        let error = body[field].error;
        if (field === "value" && !error) error = body.unit.error || body.qualifier.error;
        show(input, body[field].reading, error);
      }
    });
  }

  function readSourceValue(input) {
    // The claim's unit: on the evidence's page, the claim's (or the claim being chosen); on the claim page, its select.
    const params = { source_value: input.value };
    if (input.dataset.unit !== undefined) params.unit = input.dataset.unit;
    else if (document.getElementById("id_unit")) params.unit = selected("id_unit");
    else if (selected("id_claim")) params.claim = selected("id_claim");
    ask(input.id, input, params, (body) => {
      show(input, body.source_value.reading, body.source_value.error);
    });
  }

  function later(key, action) {
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(action, DELAY_MS));
  }

  function sourceValueInputs() {
    return document.querySelectorAll('input[data-figure="source_value"]');
  }

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.figure) return;
    if (input.dataset.figure === "source_value") later(input.id, () => readSourceValue(input));
    else later("claim", readClaimFigure);
  });

  document.addEventListener("change", (event) => {
    const id = event.target && event.target.id;
    if (id === "id_unit" || id === "id_qualifier") later("claim", readClaimFigure);
    if (id === "id_unit" || id === "id_claim") {
      for (const input of sourceValueInputs()) {
        if (input.value.trim()) later(input.id, () => readSourceValue(input));
      }
    }
  });
})();
