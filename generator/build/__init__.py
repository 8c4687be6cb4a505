"""How a build runs, at any size: `pipeline.build()` reads top to bottom as the stages.

- `stamp`: the identity of every input and output of the last good build, checked
  before anything heavy is loaded: a build with nothing changed does nothing.
- `pipeline`: check, plan, render what changed, write; `Memory` is what `frise serve`
  keeps from one save to the next.
- `fingerprint`: a digest of everything a page is made from, so a rebuild equals a
  clean build by construction.
- `cache`: `.frise-cache/`: parsed files, validated events, compiled templates,
  converted Markdown, the search index's words, the related events and the manifest
  of the last site (with where the exports' pieces lie), each ignored when damaged,
  foreign or old.
- `shards`: the pages to render, spread over worker processes; the bytes never depend
  on how many there are.
"""
