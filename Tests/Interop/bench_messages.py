"""Python protobuf (upb) side of Scripts/bench-messages: same messages as MessagesBench."""

import json
import sys
import time

import protos


def main():
    proto_dir, hypotheses, iterations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with protos.generated_modules(proto_dir) as modules:
        nbest_pb2 = modules["nbest"][0]
        rescorer_pb2 = modules["rescorer"][0]
        request = rescorer_pb2.RescoreRequest()
        nbest = request.nbest
        nbest.utterance_id, nbest.session_id, nbest.sequence_number = "utt-000123", "session-7", 42
        nbest.kind, nbest.stability = nbest_pb2.RESULT_KIND_FINAL, 1.0
        for index in range(hypotheses):
            h = nbest.hypotheses.add(
                text=" ".join(f"word{(w * 7 + index) % 50}" for w in range(12)),
                token_ids=[t * 97 + index for t in range(16)], total_score=-10 - index * 0.5,
                acoustic_score=-8 - index * 0.25, lm_score=-2 - index * 0.125)
            if index % 2 == 0:
                h.confidence = 0.5
        request.config.adapter = "lora-r8"
        request.config.fusion.first_pass_weight, request.config.fusion.lm_weight = 1.0, 0.3
        request.config.fusion.length_bonus = 0.1
        data = request.SerializeToString()
        cls = rescorer_pb2.RescoreRequest
        for _ in range(1000):
            cls.FromString(request.SerializeToString())
        start = time.perf_counter()
        for _ in range(iterations):
            request.SerializeToString()
        encode = (time.perf_counter() - start) / iterations * 1e6
        start = time.perf_counter()
        for _ in range(iterations):
            # Touch the fields like the Swift side, which materialises every value.
            len(cls.FromString(data).nbest.hypotheses)
        decode = (time.perf_counter() - start) / iterations * 1e6
        print(json.dumps({"implementation": "python-upb", "hypotheses": hypotheses, "bytes": len(data),
                          "encode_us": encode, "decode_us": decode}))


if __name__ == "__main__":
    main()
