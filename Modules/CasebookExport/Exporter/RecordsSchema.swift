// RecordsSchema: schema.json, a JSON Schema (draft 2020-12) describing records.json.

enum RecordsSchema {
    static let json = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "urn:casebook:subject-access:records:1",
      "title": "Casebook subject-access records",
      "description": "Every record the organisation holds about you. Dates are YYYY-MM-DD. '[withheld]' marks another person's details, withheld because they did not agree to them being shared.",
      "type": "object",
      "required": ["formatVersion", "caseID", "generatedAt", "profile", "consents", "sessions", "safeguardingConcerns", "recipients", "releaseConsents", "releaseWithdrawals", "accessRequests", "counts"],
      "additionalProperties": false,
      "$defs": {
        "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "id": {"type": "string", "minLength": 1}
      },
      "properties": {
        "formatVersion": {"const": 1},
        "caseID": {"$ref": "#/$defs/id", "description": "Your case reference."},
        "requestID": {"$ref": "#/$defs/id", "description": "The access request this answers."},
        "generatedAt": {"type": "string", "format": "date-time"},
        "profile": {
          "type": "object", "additionalProperties": false,
          "required": ["caseID", "name", "contacts", "status", "relatedPeople"],
          "properties": {
            "caseID": {"$ref": "#/$defs/id"},
            "name": {"type": "string"},
            "bornOn": {"$ref": "#/$defs/date"},
            "contacts": {"type": "array", "items": {"type": "string"}},
            "status": {"enum": ["open", "closed"]},
            "closedOn": {"$ref": "#/$defs/date"},
            "relatedPeople": {"type": "array", "items": {
              "type": "object", "additionalProperties": false, "required": ["name", "relation", "withheld"],
              "properties": {"name": {"type": "string"}, "relation": {"type": "string"}, "withheld": {"type": "boolean"}}}}
          }
        },
        "consents": {"type": "array", "items": {
          "type": "object", "additionalProperties": false,
          "required": ["id", "formVersion", "signedOn", "signedBy", "limitsAcknowledged"],
          "properties": {"id": {"$ref": "#/$defs/id"}, "formVersion": {"type": "string"}, "signedOn": {"$ref": "#/$defs/date"},
            "signedBy": {"type": "string"}, "limitsAcknowledged": {"type": "boolean"}}}},
        "sessions": {"type": "array", "items": {
          "type": "object", "additionalProperties": false,
          "required": ["id", "on", "minutes", "platform", "practitioner", "practitionerInPrivateLocation", "clientEncouragedToUsePrivateSpace", "topics", "progress", "followUp", "status", "amendments"],
          "properties": {
            "id": {"$ref": "#/$defs/id"}, "on": {"$ref": "#/$defs/date"}, "minutes": {"type": "integer", "minimum": 0},
            "platform": {"type": "string"}, "practitioner": {"$ref": "#/$defs/id", "description": "Staff reference, not a name."},
            "practitionerInPrivateLocation": {"type": "boolean"}, "clientEncouragedToUsePrivateSpace": {"type": "boolean"},
            "topics": {"type": "string"}, "progress": {"type": "string"}, "followUp": {"type": "string"},
            "status": {"enum": ["draft", "finalised"]},
            "amendments": {"type": "array", "items": {
              "type": "object", "additionalProperties": false, "required": ["id", "on", "text", "author"],
              "properties": {"id": {"$ref": "#/$defs/id"}, "on": {"$ref": "#/$defs/date"}, "text": {"type": "string"}, "author": {"$ref": "#/$defs/id"}}}}
          }}},
        "safeguardingConcerns": {"type": "array", "items": {
          "type": "object", "additionalProperties": false,
          "required": ["id", "category", "raisedOn", "details", "status", "actions"],
          "properties": {
            "id": {"$ref": "#/$defs/id"}, "category": {"enum": ["risk-to-self", "risk-to-others", "abuse-or-neglect", "threat-to-life"]},
            "raisedOn": {"$ref": "#/$defs/date"}, "sessionID": {"$ref": "#/$defs/id"}, "details": {"type": "string"},
            "yourViews": {"type": "string"}, "status": {"type": "string"}, "outcome": {"type": "string"},
            "actions": {"type": "array", "items": {
              "type": "object", "additionalProperties": false, "required": ["id", "on", "kind", "text"],
              "properties": {"id": {"$ref": "#/$defs/id"}, "on": {"$ref": "#/$defs/date"}, "kind": {"type": "string"}, "text": {"type": "string"}}}}
          }}},
        "recipients": {"type": "array", "description": "Everyone your information was released to (the disclosure log).", "items": {
          "type": "object", "additionalProperties": false,
          "required": ["id", "recipient", "purpose", "basis", "requestedOn", "status"],
          "properties": {
            "id": {"$ref": "#/$defs/id"}, "recipient": {"type": "string"}, "purpose": {"type": "string"},
            "basis": {"enum": ["consent", "safeguarding", "court-order", "legal-obligation", "subject-access"]},
            "reference": {"type": "string"}, "requestedOn": {"$ref": "#/$defs/date"}, "status": {"type": "string"},
            "approvedOn": {"$ref": "#/$defs/date"}}}},
        "releaseConsents": {"type": "array", "description": "Your consents to releasing information to someone (who to, what for, until when).", "items": {
          "type": "object", "additionalProperties": false,
          "required": ["id", "recipient", "purpose", "recordedOn"],
          "properties": {
            "id": {"$ref": "#/$defs/id"}, "recipient": {"type": "string"}, "purpose": {"type": "string"},
            "until": {"$ref": "#/$defs/date"}, "recordedOn": {"$ref": "#/$defs/date"}}}},
        "releaseWithdrawals": {"type": "array", "description": "When you withdrew consent to releases: consent-based releases stop from then on.", "items": {
          "type": "object", "additionalProperties": false,
          "required": ["id", "on"],
          "properties": {"id": {"$ref": "#/$defs/id"}, "on": {"$ref": "#/$defs/date"}}}},
        "accessRequests": {"type": "array", "items": {
          "type": "object", "additionalProperties": false,
          "required": ["id", "receivedOn", "dueOn", "extended", "status"],
          "properties": {
            "id": {"$ref": "#/$defs/id"}, "receivedOn": {"$ref": "#/$defs/date"}, "identityVerifiedOn": {"$ref": "#/$defs/date"},
            "dueOn": {"$ref": "#/$defs/date"}, "extended": {"type": "boolean"}, "status": {"type": "string"},
            "answeredOn": {"$ref": "#/$defs/date"}}}},
        "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
      }
    }

    """#
}
