"""A XAdES-signed XML document, checked by its structure: parsed whole with a hardened parser
(no DTD, no entities, no external references, anywhere in the file) and required to hold an
XML-DSig `Signature` with its `SignedInfo`, `SignatureValue` and `KeyInfo`, carrying XAdES
`QualifyingProperties` in one of its `Object`s. Namespaces merely mentioned somewhere (an
unsigned file, an XHTML page) are not a signature."""

from __future__ import annotations

from typing import IO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

DSIG = "{http://www.w3.org/2000/09/xmldsig#}"
XADES_NAMESPACES = ("{http://uri.etsi.org/01903/v1.3.2#}", "{http://uri.etsi.org/01903/v1.4.1#}")
REQUIRED_IN_SIGNATURE = ("SignedInfo", "SignatureValue", "KeyInfo")


class NotSignedXml(Exception):
    """Why the document is no XAdES-signed XML (a sentence for the user)."""


def xades_checked(source: IO[bytes]) -> None:
    """Raise `NotSignedXml` unless `source` (read to its end) is a well-formed XML document with
    a XAdES signature structure; forbidden constructs are refused wherever they appear."""
    path: list[str] = []
    signature_children: set[str] = set()
    qualified = signed = False
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                path.append(element.tag)
                continue
            tag = path.pop()
            if DSIG + "Signature" in path:
                parent = path[-1]
                if parent == DSIG + "Signature" and tag.startswith(DSIG):
                    signature_children.add(tag.removeprefix(DSIG))
                if (
                    tag.split("}")[-1] == "QualifyingProperties"
                    and tag.startswith(XADES_NAMESPACES)
                    and (DSIG + "Object" in path)
                ):
                    qualified = True
            if tag == DSIG + "Signature":
                signed = signed or (all(c in signature_children for c in REQUIRED_IN_SIGNATURE) and qualified)
                signature_children, qualified = set(), False
            element.clear()  # streaming: a large document is never held whole
    except DefusedXmlException as error:
        raise NotSignedXml("an XML document with a DOCTYPE or entities (not accepted in signed documents)") from error
    except ParseError as error:
        raise NotSignedXml(f"an XML document that is not well-formed ({error})") from error
    if not signed:
        raise NotSignedXml(
            "an XML document without a XAdES signature (a ds:Signature with SignedInfo, SignatureValue, KeyInfo "
            "and xades:QualifyingProperties)"
        )
