"""What readers get: the model → the site's plan → each file's bytes → `site/`.

- `urls`: the one place that knows the URL layout.
- `timeline`, `periods`, `overview`, `frise`: pure queries and layouts over events
  (neighbours, related events, period pages, the drawn frise).
- `markdown`, `typography`: editors' Markdown → sanitised HTML; the language's
  typographic rules on every published text.
- `theme`: the Jinja environment, the override chain and the interface words.
- `views`, `contexts`, `linked_data`: events, years and periods as pages show them,
  the typed context each kind of page gets (what a theme can use); the same
  for machines (JSON-LD).
- `render`: the plan (every file and the inputs it is made from) and the `Renderer`
  that turns one entry into bytes.
- `search`, `feeds`, `exports`: the generated files beside the pages; `pieces`: the
  exports as one piece per event, which a rebuild copies from the current site.
- `output`: the only writer of the output folder (atomic swap, hard links, the spare
  folder the next build rewrites).
"""
