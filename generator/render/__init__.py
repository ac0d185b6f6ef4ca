"""Rendering a Derivation: LaTeX sheets from Jinja templates, and PDFs via pdflatex.

Renderers read only the Derivation records; they never compute mathematics.
"""
