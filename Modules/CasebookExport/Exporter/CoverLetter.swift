// CoverLetter: README.txt, the cover letter with the Article 15 information and how to verify.

enum CoverLetter {
    static func text(_ document: RecordsDocument, notice: AccessResponseNotice, fingerprint: String, encrypted: Bool) -> String {
        let recipients = document.recipients.isEmpty
            ? "    Nobody: your information has not been released outside the organisation.\n"
            : document.recipients.map { "    - \($0.recipient) (\($0.basis), \($0.approvedOn ?? $0.requestedOn)): \($0.purpose)\n" }.joined()
        var consents = document.releaseConsents.map {
            "    - you agreed to release to \($0.recipient) (\($0.recordedOn)\($0.until.map { ", until \($0)" } ?? "")): \($0.purpose)\n"
        }
        consents += document.releaseWithdrawals.map { "    - you withdrew your consent to releases on \($0.on)\n" }
        let releaseConsents = consents.isEmpty ? "    None recorded.\n" : consents.joined()
        let counts = document.counts.sorted { $0.key < $1.key }.map { "    \($0.key): \($0.value)\n" }.joined()
        return """
            YOUR RECORDS FROM \(notice.organisationName.uppercased())
            Subject access response, case \(document.caseID)\(document.requestID.map { ", request \($0)" } ?? "")
            Produced \(document.generatedAt)

            You asked for a copy of the information we hold about you (UK GDPR Article 15; our
            confidentiality policy, section 6.1). This bundle is that copy. It is free of charge.

            WHAT IS IN THIS BUNDLE
              README.txt      this letter
              report.html     your records, to read or print in any web browser (no internet needed)
              records.json    the same records in a machine-readable form (for another service, for example)
              schema.json     a description of records.json (JSON Schema)
              SHA256SUMS      a fingerprint (SHA-256) of each file above
              manifest.json   the list of files, their sizes and fingerprints, signed by us
              manifest.sig    our digital signature over manifest.json
              export-key.pem  our public key, to check the signature

            The bundle holds:
            \(counts)
            "[withheld]" marks another person's name or details. The law lets us withhold them
            unless that person agreed to share them. Staff appear by reference, not by name.

            WHY WE HOLD YOUR INFORMATION (purposes)
            \(notice.purposes.map { "    - \($0)\n" }.joined())
            WHAT KINDS OF INFORMATION (categories)
            \(notice.categories.map { "    - \($0)\n" }.joined())
            WHO WE SHARED IT WITH (recipients, from our disclosure log)
            \(recipients)
            YOUR CONSENTS TO RELEASES, AND THEIR WITHDRAWAL
            \(releaseConsents)
            HOW LONG WE KEEP IT
                \(notice.retention)

            WHERE IT CAME FROM
                \(notice.sourceOfData)

            AUTOMATED DECISIONS
                \(notice.automatedDecisionMaking)

            YOUR RIGHTS
                You can ask us to correct information that is wrong (rectification), to delete it
                (erasure), to limit how we use it (restriction), and you can object to our using it.
                Contact: \(notice.contact).
                You can complain to the Information Commissioner's Office (ICO): ico.org.uk/make-a-complaint,
                telephone 0303 123 1113, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF.

            HOW TO CHECK NOTHING WAS CHANGED
                \(encrypted ? "This bundle is encrypted (AES-256). We sent the password separately. 7-Zip opens it.\n    " : "")\
            In the folder where you unpacked the bundle, on Linux or macOS (or Windows with Git Bash):
                    sha256sum -c SHA256SUMS
                    openssl pkeyutl -verify -pubin -inkey export-key.pem -rawin -in manifest.json -sigfile manifest.sig
                The first must say OK for every file; the second "Signature Verified Successfully".
                Our key's fingerprint is
                    \(fingerprint)
                (openssl pkey -pubin -in export-key.pem -outform DER | sha256sum shows it); you can ask
                us to confirm it by telephone.

            """
    }

    /// A line telling the client that records were withheld and where the grounds are listed.
    static func withheldNote(_ count: Int) -> String {
        guard count > 0 else { return "" }
        return """
            RECORDS WITHHELD
                We have withheld \(count) record(s) under an exemption in the Data Protection Act 2018.
                manifest.json lists each one's id and the legal ground ("withheld"). You can ask us
                about it, or complain to the ICO (above).

            """
    }
}
