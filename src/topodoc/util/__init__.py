"""Small helpers with no knowledge of topologies: atomic writes, did-you-mean messages,
the cyclic garbage collector's pause.
"""
