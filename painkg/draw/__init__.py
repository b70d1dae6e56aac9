"""Draw the knowledge graph and traces with Graphviz."""

#: Output formats, from the file suffix.  Everything but ``dot`` needs Graphviz.  Here, not in
#: :mod:`painkg.draw.styles`, so that the command line names them without importing the styles.
FORMATS = ("png", "svg", "pdf", "dot")
