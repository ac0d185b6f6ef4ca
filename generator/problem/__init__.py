"""A problem as the user writes it: the fields of a YAML file (`fields`, `schema`), the
loader that validates them with file:line errors (`loader`, `yaml_source`, `letspec`),
the `Problem` record (`model`), problem sets (`sets`) and the scaffold of a new file."""
