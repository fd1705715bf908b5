import Foundation
import Testing

extension FlowtopBinaryTests {
    /// Requests for a person without a terminal: `--approve` decides, or the run fails naming the flag.
    @Suite("--approve and requests without a terminal")
    struct ApprovalCommandTests {
        static let prompt = "Research the weather in Lisbon and send the report to the team"

        /// The approval preset without its person: only the held call.
        static func approvalsOnly() throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-approval-\(UUID()).yaml").path
            try """
                name: approvals-only
                kind: sequential
                agents:
                  - name: Researcher
                    instructions: Research information using tools, then send the findings with send_report. Be brief.
                    tools: [get_weather, {name: send_report, approval: always}]
                """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        @Test func withoutATerminalOrApproveACallThatNeedsApprovalFailsTheRunNamingTheFlag() async throws {
            let result = try await FlowtopBinary.run(["run", "--plain", "--workflow", "approval", Self.prompt])
            #expect(result.status == 1)
            #expect(result.stdout.contains(
                "✘ failed: Researcher: Researcher's call of send_report needs approval, but no one can approve it here; "
                    + "pass --approve all or --approve none to decide approvals without a terminal"))
            #expect(!result.stdout.contains("Report sent"))
        }

        @Test func approveAllRunsTheCall() async throws {
            let file = try Self.approvalsOnly()
            defer { try? FileManager.default.removeItem(atPath: file) }
            let result = try await FlowtopBinary.run(["run", "--plain", "--approve", "all", "--workflow", file, Self.prompt])
            #expect(result.status == 0)
            #expect(result.stdout.contains("⏸ send_report waits for approval · req_"))
            #expect(result.stdout.contains("✔ approved by --approve all"))
            #expect(result.stdout.contains("↳ send_report: Report sent to team@example.com"))
        }

        @Test func approveNoneRejectsTheCallAndTheModelSaysSo() async throws {
            let file = try Self.approvalsOnly()
            defer { try? FileManager.default.removeItem(atPath: file) }
            let result = try await FlowtopBinary.run(["run", "--json", "--approve", "none", "--workflow", file, Self.prompt])
            #expect(result.status == 0)
            let types = result.stdout.split(separator: "\n").compactMap { line -> String? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return object["type"] as? String
            }
            #expect(types.contains("approval_requested"))
            #expect(types.contains("approval_resolved"))
            #expect(result.stdout.contains(#""approved":false,"reason":"--approve none","answered_by":"--approve none""#))
            #expect(result.stdout.contains("Error: Tool call invocation was rejected by user. Reason: --approve none"))
            #expect(result.stdout.contains("I did not send the report: you rejected it"))
        }

        @Test func approveCannotAnswerAQuestion() async throws {
            let result = try await FlowtopBinary.run(["run", "--plain", "--approve", "all", "--workflow", "approval", Self.prompt])
            #expect(result.status == 1)
            #expect(result.stdout.contains(
                "✘ failed: Editor: Editor asks \"Which tone should the Writer take?\", but no one can answer here; run on a terminal to answer it"))
        }

        @Test func toolsShowsWhichCallsNeedApprovalAndWhoIsAPerson() async throws {
            let result = try await FlowtopBinary.run(["tools", "approval"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("  send_report  [built in, needs approval]"))
            #expect(result.stdout.contains("  get_weather  [built in]"))
            #expect(result.stdout.contains("Editor\n  (a person, asked: Which tone should the Writer take?)"))
        }

        @Test func approveTakesOnlyAllOrNone() async throws {
            let result = try await FlowtopBinary.run(["run", "--approve", "some", "hello"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("all") && result.stderr.contains("none"))
        }
    }
}
