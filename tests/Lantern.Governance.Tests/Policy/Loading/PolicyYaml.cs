namespace Lantern.Governance.Tests.Policy.Loading;

/// <summary>Policy texts for the loader tests. Line numbers matter: tests assert them, so edit with care.</summary>
internal static class PolicyYaml
{
    public const string DigestA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string DigestB = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /// <summary>A valid policy using every key. Line 1 is "apiVersion".</summary>
    public const string Full = """
        apiVersion: lantern/v1
        kind: LocalAiPolicy
        metadata:
          name: Acme Local AI Use Policy
          owner: Information Security (ciso@acme.example)
          version: "1.3"
          approvedBy: Jane Doe, CISO
          approvedOn: 2026-10-01
          reviewBy: 2027-04-01
        classifications: [Public, Internal, Confidential, Restricted]
        useCases:
          - id: code-assist
            description: Code completion and explanation in the IDE
            maxClassification: Internal
            outputHandling: human-review
          - id: summarise
            description: |
              Summaries of internal documents.
              Second line.
            maxClassification: Confidential
        models:
          - name: llama3.2:1b
            runtime: ollama
            digests: [ "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" ]
            version: "3.2"
            source: registry.ollama.ai/library/llama3.2
            license: llama3.2
            owner: Platform team
            useCases: [code-assist]
            maxClassification: Internal
            status: deprecated
            supersededBy: llama3.3:8b
            validation: QA-2026-114
            approvedBy: John Roe
            approvedOn: 2026-09-30
            reviewBy: 2027-03-31
          - name: llama3.3:8b
            digests:
              - sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
            status: approved
            owner: Platform team
            validation: QA-2026-200
            reviewBy: 2027-06-30
            useCases: [code-assist, summarise]
        sources:
          allow: [ "huggingface.co/meta-llama/*", "registry.ollama.ai/library/*" ]
          deny:  [ "huggingface.co/**/uncensored*" ]
        licenses:
          allow:  [ Apache-2.0, MIT, llama3.1, llama3.2 ]
          review: [ gemma ]
          deny:   [ CC-BY-NC-4.0 ]
          unlisted: deny
        runtimes:
          failOnAdvisory: critical
          allowUnlisted: false
          allowed:
            - id: ollama
              minVersion: 0.12.0
            - id: llama.cpp
        exposure:
          allowNonLoopback: true
        groups:
          - id: contractors
            members: [ext-bob, ext-alice]
            models: [llama3.2:1b]
            useCases: [code-assist]
            maxClassification: Internal
        """;

    /// <summary>The smallest valid policy: header, metadata and classifications (6 lines, then whatever a test appends).</summary>
    public const string Minimal = """
        apiVersion: lantern/v1
        kind: LocalAiPolicy
        metadata: { name: P, owner: O, version: "1" }
        classifications: [Public, Internal]

        """;
}
