"""Digikunta: members, webinars and experiment stories of the Digikokeileva kunta network."""
