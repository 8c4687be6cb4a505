"""Reading and checking what editors wrote: `content/*.yaml` → a `Timeline`.

In the order data flows:

- `loader`: YAML files → nodes that keep their `line:col`; duplicate keys, anchors,
  tags and implicit typing refused (`yaml_errors` words the parser's messages).
- `nodes`: the readers of one node (a string, a list, a mapping of known keys) that
  every record uses.
- `config`: `site.yaml` → `Site`, each setting documented and read in one place.
- `dates`, `slugs`, `links`: the rules for one kind of value (a partial date, an id,
  a link in Markdown).
- `validate`: nodes → the frozen `model`, every problem collected and raised once.

Nothing here writes a file or knows how pages look.
"""
