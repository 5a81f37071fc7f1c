"""OutSmart OpenAPI v8: the client (`client`), its record formats (`records`) and
the value formats OutSmart uses on the wire (`values`)."""
