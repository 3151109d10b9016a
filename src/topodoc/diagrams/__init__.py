"""Diagrams: views select objects of the model, ``dot`` turns a selection into DOT text
(collapsed to a node budget, styled per theme), ``graphviz`` runs Graphviz.
"""
