"""Rendering a Derivation: LaTeX sheets from Jinja templates, and PDFs via latexmk.

Renderers read only the Derivation records; they never compute mathematics.
"""
