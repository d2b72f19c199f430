// Redaction benchmark: throughput of `Redactor.detect` / `redact` on a deterministic ~1 MB corpus of
// synthetic UK counselling notes, single-threaded, median of several runs, against the same-run
// baseline of a trivial pass over the same bytes (lower-casing every scalar).
// The lead wires `runRedactionBenchmark()` into main.swift; it returns the lines to print.

import CasebookRedaction
import Foundation

func runRedactionBenchmark(targetBytes: Int = 1_000_000, runs: Int = 7) -> [String] {
    let notes = RedactionBenchCorpus.make(targetBytes: targetBytes)
    let bytes = notes.reduce(0) { $0 + $1.utf8.count }
    let redactor = Redactor()
    _ = redactor.detect("Warm-up: Amira rang 07700 900123.")  // builds the lexicon outside the timing

    func median(_ body: () -> Int) -> (Duration, Int) {
        var times: [Duration] = []
        var checksum = 0
        let clock = ContinuousClock()
        for _ in 0..<runs {
            var c = 0
            let t = clock.measure { c = body() }
            times.append(t)
            checksum = c
        }
        times.sort()
        return (times[times.count / 2], checksum)
    }
    func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    let (baseline, baseSum) = median {
        var n = 0
        for note in notes { for u in note.lowercased().unicodeScalars where u == "a" { n += 1 } }
        return n
    }
    let (detectTime, spans) = median { notes.reduce(0) { $0 + redactor.detect($1).count } }
    let (redactTime, masked) = median { notes.reduce(0) { $0 + redactor.redact($1).text.utf8.count } }

    let mb = Double(bytes) / 1_000_000
    func line(_ name: String, _ d: Duration) -> String {
        let s = seconds(d)
        return "redaction \(name): \(String(format: "%.1f", mb / s)) MB/s, \(String(format: "%.0f", Double(notes.count) / s)) notes/s, median \(String(format: "%.1f", s * 1000)) ms"
    }
    return [
        "redaction corpus: \(notes.count) notes, \(bytes) bytes (UTF-8), \(runs) runs, single thread",
        line("detect", detectTime) + ", \(spans) spans",
        line("redact", redactTime) + ", \(masked) bytes out",
        line("baseline lowercase pass", baseline) + " (checksum \(baseSum))",
        "redaction detect / baseline time ratio: \(String(format: "%.1f", seconds(detectTime) / seconds(baseline)))x",
    ]
}

/// A deterministic synthetic corpus (LCG-seeded) of short notes, about a third identifier-free.
enum RedactionBenchCorpus {
    static let fillers = [
        "We talked about how the week had gone and what felt hardest.",
        "Mum came to the first ten minutes and then waited outside.",
        "The GP has agreed to review the medication next month.",
        "A referral to CAMHS was discussed over Teams on Tuesday.",
        "I hope the new routine helps with sleep; she will try the breathing exercise.",
        "English is going well but maths feels overwhelming in Year 9.",
        "Christmas was difficult this year, and Eid was a bit easier.",
        "Client described feeling low most mornings but better by the afternoon.",
        "Autism assessment is still pending; the ADHD diagnosis came last year.",
        "Will review the safety plan next week and mark progress on the chart.",
    ]
    static let identifiers = [
        "Amira said her brother Tayo rang from 07957 239820 on Friday.",
        "Spoke with Mrs Okafor about Grace Hill's attendance at Oakfield Academy.",
        "New address: Flat 3, 12 Acacia Avenue, Bristol BS1 4DJ.",
        "NHS number 943 476 5919, NI number AB 12 34 56 C, DOB 12/03/2014.",
        "Email kezia.brown@gmail.com or message @kez_22; page at www.gofundme.com/f/help-kez.",
        "A 15-year-old from Hartcliffe, referred by St Mary's Primary and Bristol Royal Infirmary.",
        "Call (0117) 496 0123 or +44 (0)20 7946 0018 after the 3rd of March.",
        "Hope said Will Smith and Priya Patel were at the party on Church Street.",
    ]

    static func make(targetBytes: Int) -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var notes: [String] = []
        var total = 0
        while total < targetBytes {
            var parts: [String] = []
            let clean = next(3) == 0
            for _ in 0..<(2 + next(4)) {
                parts.append(!clean && next(2) == 0 ? identifiers[next(identifiers.count)] : fillers[next(fillers.count)])
            }
            let note = parts.joined(separator: " ")
            total += note.utf8.count
            notes.append(note)
        }
        return notes
    }
}
