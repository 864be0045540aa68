import Foundation
import SecondPassTestSupport
import Testing

/// Every argument a manifest passes to one of our executables is an option its subcommand
/// accepts, as the built binary's `--help` says today.
@Suite("Kubernetes manifests: arguments", .requiresPythonPeer)
struct ContainerArgumentTests {
    @Test("Containers and exec probes that run our executables pass only options their subcommand accepts")
    func argumentsAreRealOptions() async throws {
        let documents = try Manifests.load()
        var invocations: [(what: String, executable: String, arguments: [String])] = []
        for container in Workload.all(in: documents).flatMap(\.containers) {
            if container.image == "secondpass" {
                let executable = try #require(
                    container.ourExecutable, "\(container) runs \(container.command)")
                invocations.append((container.description, executable, container.arguments))
            } else {
                #expect(container.ourExecutable == nil, "\(container): our executables run from our image")
            }
            for kind in ["startupProbe", "readinessProbe", "livenessProbe"] {
                guard let command = container.node[kind][path: "exec.command"].strings,
                    let executable = command.first, CommandOptions.executables.contains(executable)
                else { continue }
                invocations.append(("\(container) \(kind)", executable, Array(command.dropFirst())))
            }
        }
        #expect(
            Set(invocations.map(\.executable)) == CommandOptions.executables, "every executable is deployed")
        var options: [String: CommandOptions] = [:]
        for invocation in invocations {
            let first = invocation.arguments.first.flatMap { $0.hasPrefix("-") ? nil : $0 }
            let key = "\(invocation.executable) \(first ?? "")"
            if options[key] == nil {
                options[key] = try await CommandOptions.read(
                    executable: invocation.executable, subcommand: first)
            }
            let problems = try #require(options[key]).problems(
                in: Array(invocation.arguments.dropFirst(first == nil ? 0 : 1)))
            #expect(problems.isEmpty, "\(invocation.what): \(problems)")
        }
    }

    @Test("The option check refuses what the executable would refuse")
    func optionCheckCanFail() async throws {
        let serve = try await CommandOptions.read(executable: "lora-rescorer", subcommand: nil)
        #expect(serve.subcommand == "serve")
        #expect(serve.problems(in: ["--model", "/models/base", "--port", "50051"]).isEmpty)
        #expect(
            serve.problems(in: ["--models", "/models/base"]).first
                == "lora-rescorer serve has no option --models"
        )
        #expect(serve.problems(in: ["--port"]) == ["--port needs a value"])
        #expect(serve.problems(in: ["--port", "1", "2"]).count == 1)
        let run = try await CommandOptions.read(executable: "nbest-simulator", subcommand: "run")
        #expect(run.problems(in: ["--partials"]).isEmpty)
        #expect(run.problems(in: ["--partials=yes"]) == ["--partials is a flag and takes no value"])
        await #expect(throws: TestFailure.self) {
            try await CommandOptions.read(executable: "metrics-aggregator", subcommand: "replay")
        }
    }
}
