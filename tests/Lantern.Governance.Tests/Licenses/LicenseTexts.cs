namespace Lantern.Governance.Tests.Licenses;

/// <summary>Short licence texts built for tests: the characteristic passages, not whole licences.</summary>
internal static class LicenseTexts
{
    public const string Apache = """
                                     Apache License
                               Version 2.0, January 2004
                            http://www.apache.org/licenses/

       TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION

       3. Grant of Patent License. Subject to the terms and conditions of this License...
       """;

    public const string Mit = """
        MIT License

        Copyright (c) 2024 Someone

        Permission is hereby granted, free of charge, to any person obtaining a copy
        of this software and associated documentation files (the "Software")...

        THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
        """;

    public const string Llama31 = """
        LLAMA 3.1 COMMUNITY LICENSE AGREEMENT
        Llama 3.1 Version Release Date: July 23, 2024
        "Agreement" means the terms and conditions for use, reproduction, distribution and modification...
        If you distribute or make available the Llama Materials ... prominently display "Built with Llama" ...
        If, on the Llama 3.1 version release date, the monthly active users ... is greater than 700 million monthly active users ...
        """;

    public const string Gemma = """
        # Gemma Terms of Use

        Last modified: February 21, 2024

        By using, reproducing, modifying, distributing, performing or displaying any portion or element of Gemma ...
        You must comply with the [Gemma Prohibited Use Policy](https://ai.google.dev/gemma/prohibited_use_policy).
        See https://ai.google.dev/gemma/terms
        """;

    public const string CcByNc = """
        Attribution-NonCommercial 4.0 International

        Creative Commons Corporation ("Creative Commons") is not a law firm...
        Creative Commons Attribution-NonCommercial 4.0 International Public License
        NonCommercial means not primarily intended for or directed towards commercial advantage...
        """;

    public const string Qwen = """
        Tongyi Qianwen LICENSE AGREEMENT

        Tongyi Qianwen Release Date: August 3, 2023
        ... If your product or service has more than 100 million monthly active users ...
        """;

    public const string QwenResearch = """
        Qwen RESEARCH LICENSE AGREEMENT
        ... for non-commercial research purposes only ...
        """;

    public const string Mrl = """
        Mistral AI Research License
        If You want to use a Mistral Model ... for Research Purposes ...
        """;
}
