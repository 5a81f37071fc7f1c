"""What OutSmart's envelope codes mean, as OpenAPI v8 documents them.

OutSmart often answers an error with an empty `messages` list (a work order that
is not found is just code 1500); the documented meaning then stands in, so the log
says "Workorder not found by given criteria (code 1500)" rather than "no message".
"""

from __future__ import annotations

from vismadesk import messages

# The tokens are missing or refused: nothing will work until they are fixed.
TOKEN_REJECTED = frozenset({1002, 1003, 1004, 1005})
# "No data changed": the work order already has what was asked, which is success.
NO_CHANGE = 1503
# A value OutSmart cannot use, e.g. a work status it does not know.
BAD_VALUE = 1504

DOCUMENTED: dict[int, str] = {
    1000: "The URL being called is not containing an endpoint",
    1001: "The endpoint being provided is unknown",
    1002: "Request is missing the GET parameter: token",
    1003: "Request is missing the GET parameter: software_token",
    1004: "Client token provided is unauthorized to execute this request",
    1005: "Software token provided is unauthorized to execute this request",
    1006: "All endpoints should use https",
    1007: "A general uncaught error occurred at OutSmart",
    1008: "The server did not receive a message body",
    1009: "The server was unable to parse the message body as JSON",
    1100: "The insert or update of an employee failed",
    1101: "A required field is missing in this request",
    1200: "The insert or update of a material row failed",
    1201: "A required field is missing in this request",
    1300: "The insert or update of a relation failed",
    1301: "A required field is missing in this request",
    1500: "Workorder not found by given criteria",
    1501: "Posted workorder is missing a required field",
    1502: "Update workorder request is missing update data",
    1503: "No data changed",
    1504: "There was a problem parsing the data being added",
    1800: "The insert or update of an hour type failed",
    1801: "A required field is missing, active is not 1 or 0 or a price cannot be parsed",
    2800: "The insert or update of a work status failed",
    2801: "A required field is missing in this request",
}


def meaning(code: int) -> str | None:
    return DOCUMENTED.get(code)


def catalogue_code(code: int) -> str:
    """The log message an envelope code is reported with."""
    if code in TOKEN_REJECTED:
        return messages.OUTSMART_TOKEN_REJECTED.code
    return messages.OUTSMART_ERROR.code
