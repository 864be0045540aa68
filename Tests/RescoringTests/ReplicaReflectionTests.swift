import H2RPC
import RescorerServer
import RescoringMessages
import RescoringRPC
import Testing

/// The lora-rescorer replica mounts health and reflection beside the Rescorer.
@Suite struct ReplicaReflectionTests {
    @Test func theReplicaListsItsServicesThroughReflection() async throws {
        let replica = RescorerReplica(
            engine: try TinyEngine.make(), configuration: RescorerReplicaConfiguration())
        let (addresses, bound) = AsyncStream<RPCServer.Address>.makeStream()
        let serving = Task {
            defer { bound.finish() }
            try await replica.run(logger: RescorerHarness.logger) { bound.yield($0) }
        }
        defer { serving.cancel() }
        var iterator = addresses.makeAsyncIterator()
        let address = try #require(await iterator.next(), "the replica never listened")
        let (services, answers) = try await withRPCClient(
            host: address.host, port: address.port, logger: RescorerHarness.logger
        ) { client in
            let reflection = ReflectionClient(client, method: ReflectionMethods.alphaInfo)
            return (
                try await reflection.listServices(),
                try await reflection.ask([
                    ServerReflectionRequest(query: .fileContainingSymbol(RescorerMethods.serviceName))
                ])
            )
        }
        #expect(
            services == [
                HealthMethods.serviceName, ReflectionMethods.serviceName, ReflectionMethods.alphaServiceName,
                RescorerMethods.serviceName,
            ])
        guard case .fileDescriptors(let files) = answers.first?.answer else {
            Issue.record("expected descriptors, got \(answers)")
            return
        }
        // rescorer.proto and the nbest.proto it imports.
        #expect(files.fileDescriptorProtos.count == 2)
        serving.cancel()
        _ = await serving.result
    }
}
