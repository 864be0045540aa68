"""Cross-checks SecondPass's protobuf-c bridge against Python protobuf.

Reads one JSON request on stdin and writes one JSON answer on stdout:
  {"proto_dir": ..., "mode": "decode", "cases": [{"type": full name, "b64": bytes}]}
    -> {"results": [{"tree": canonical tree} | {"error": text}]}
  {"proto_dir": ..., "mode": "encode", "cases": [{"type": full name, "tree": canonical tree}]}
    -> {"results": [{"b64": bytes} | {"error": text}]}

The canonical tree holds every plain scalar and string, set oneof members, present
sub-messages and non-empty repeated fields, keyed by field name. Scalars are text: integers and
enums in decimal, doubles and floats as the big-endian hex of their IEEE bits, bools as
true/false, bytes in base64, so both sides compare exact values.
"""

import base64
import json
import struct
import sys

from google.protobuf import descriptor as d

import protos

FD = d.FieldDescriptor
INTEGER_TYPES = {
    FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32, FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64,
    FD.TYPE_UINT32, FD.TYPE_FIXED32, FD.TYPE_UINT64, FD.TYPE_FIXED64, FD.TYPE_ENUM,
}


def scalar_to_text(field, value):
    if field.type in INTEGER_TYPES:
        return str(int(value))
    if field.type == FD.TYPE_DOUBLE:
        return struct.pack(">d", value).hex()
    if field.type == FD.TYPE_FLOAT:
        return struct.pack(">f", value).hex()
    if field.type == FD.TYPE_BOOL:
        return "true" if value else "false"
    if field.type == FD.TYPE_BYTES:
        return base64.b64encode(value).decode()
    return value


def text_to_scalar(field, text):
    if field.type in INTEGER_TYPES:
        return int(text)
    if field.type == FD.TYPE_DOUBLE:
        return struct.unpack(">d", bytes.fromhex(text))[0]
    if field.type == FD.TYPE_FLOAT:
        return struct.unpack(">f", bytes.fromhex(text))[0]
    if field.type == FD.TYPE_BOOL:
        return text == "true"
    if field.type == FD.TYPE_BYTES:
        return base64.b64decode(text)
    return text


def is_repeated(field):
    if hasattr(field, "is_repeated"):  # protobuf >= 6 dropped `label` on upb descriptors
        return field.is_repeated
    return field.label == FD.LABEL_REPEATED


def to_tree(message):
    tree = {}
    for field in message.DESCRIPTOR.fields:
        value = getattr(message, field.name)
        if is_repeated(field):
            if len(value) == 0:
                continue
            if field.type == FD.TYPE_MESSAGE:
                tree[field.name] = [to_tree(v) for v in value]
            else:
                tree[field.name] = [scalar_to_text(field, v) for v in value]
        elif field.type == FD.TYPE_MESSAGE:
            if message.HasField(field.name):
                tree[field.name] = to_tree(value)
        elif field.containing_oneof is not None:
            if message.HasField(field.name):
                tree[field.name] = scalar_to_text(field, value)
        else:
            tree[field.name] = scalar_to_text(field, value)
    return tree


def fill(message, tree):
    fields = message.DESCRIPTOR.fields_by_name
    for name, value in tree.items():
        field = fields[name]
        if is_repeated(field):
            target = getattr(message, name)
            for element in value:
                if field.type == FD.TYPE_MESSAGE:
                    fill(target.add(), element)
                else:
                    target.append(text_to_scalar(field, element))
        elif field.type == FD.TYPE_MESSAGE:
            fill(getattr(message, name), value)
            getattr(message, name).SetInParent()
        else:
            setattr(message, name, text_to_scalar(field, value))


def main():
    request = json.load(sys.stdin)
    results = []
    with protos.generated_modules(request["proto_dir"]):
        for case in request["cases"]:
            cls = protos.message_class(case["type"])
            try:
                if request["mode"] == "decode":
                    message = cls.FromString(base64.b64decode(case["b64"]))
                    results.append({"tree": to_tree(message)})
                else:
                    message = cls()
                    fill(message, case["tree"])
                    results.append({"b64": base64.b64encode(message.SerializeToString()).decode()})
            except Exception as error:  # reported to the Swift test as data, not a crash
                results.append({"error": f"{type(error).__name__}: {error}"})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
