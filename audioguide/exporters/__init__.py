"""Exporters: every format written from the finished guide (see ``registry``)."""
