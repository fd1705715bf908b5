import Foundation

/// Resident memory (VmRSS) of a process (`self`, or a pid), in bytes; 0 when it cannot be read.
func residentBytes(ofProcess process: String = "self") -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return 0 }
    let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    return kilobytes * 1024
}
