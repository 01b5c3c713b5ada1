#!/usr/bin/env python3
"""Writes CloudTrail-shaped log files for measuring `trailwatch scan` at scale (not used by the tests).

  make-scan-fixtures.py many DIR [FILES=10000] [RECORDS_PER_FILE=5]   many small .json.gz files, CloudTrail layout
  make-scan-fixtures.py big FILE [SIZE_MB=1024]                       one plain .json file of about SIZE_MB

Records are ~1.5 KB, read-heavy, with an occasional watched call (StopLogging, AuthorizeSecurityGroupIngress) so
alerts fire. Deterministic (fixed seed).
"""
import gzip, json, os, random, sys, uuid
from datetime import datetime, timedelta, timezone

RNG = random.Random(42)
ACCOUNTS = ["111111111111", "222222222222", "333333333333"]
REGIONS = ["us-east-1", "eu-west-1", "us-west-2"]
CALLS = [("ec2.amazonaws.com", "DescribeInstances"), ("s3.amazonaws.com", "ListBuckets"),
         ("iam.amazonaws.com", "GetUser"), ("sts.amazonaws.com", "GetCallerIdentity"),
         ("lambda.amazonaws.com", "ListFunctions20150331"), ("kms.amazonaws.com", "Decrypt")]
WATCHED = [("cloudtrail.amazonaws.com", "StopLogging"), ("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress")]
START = datetime(2026, 10, 1, tzinfo=timezone.utc)  # in the past: brokers refuse timestamps over 1 h ahead


def record(i, when):
    account = ACCOUNTS[i % len(ACCOUNTS)]
    source, name = WATCHED[i % 2] if i % 5000 == 4999 else CALLS[RNG.randrange(len(CALLS))]
    user = f"user{RNG.randrange(200)}"
    return {
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDA" + uuid.UUID(int=RNG.getrandbits(128)).hex[:16].upper(),
                         "arn": f"arn:aws:iam::{account}:user/{user}", "accountId": account,
                         "accessKeyId": "AKIA" + uuid.UUID(int=RNG.getrandbits(128)).hex[:16].upper(), "userName": user},
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "eventSource": source, "eventName": name,
        "awsRegion": REGIONS[i % len(REGIONS)], "sourceIPAddress": f"198.51.100.{RNG.randrange(1, 255)}",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.describe-instances",
        "requestParameters": {"filterSet": {}, "maxResults": 1000, "instancesSet": {"items": [{"instanceId": "i-0abc%012d" % i}]},
                              "name": f"arn:aws:cloudtrail:us-east-1:{account}:trail/org-trail",
                              "groupId": "sg-0123456789abcdef0",
                              "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                                                           "ipRanges": {"items": [{"cidrIp": "10.0.0.0/8"}]}}]}},
        "responseElements": None, "requestID": str(uuid.UUID(int=RNG.getrandbits(128))),
        "eventID": str(uuid.UUID(int=RNG.getrandbits(128))), "readOnly": name.startswith(("Describe", "List", "Get")),
        "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": account, "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                       "clientProvidedHostHeader": source.replace("amazonaws.com", "us-east-1.amazonaws.com")},
    }


def many(folder, files=10000, per_file=5):
    n = 0
    for f in range(files):
        when = START + timedelta(minutes=5 * f)
        account = ACCOUNTS[f % len(ACCOUNTS)]
        region = REGIONS[f % len(REGIONS)]
        day = os.path.join(folder, "AWSLogs", account, "CloudTrail", region, when.strftime("%Y/%m/%d"))
        os.makedirs(day, exist_ok=True)
        name = f"{account}_CloudTrail_{region}_{when.strftime('%Y%m%dT%H%MZ')}_{uuid.UUID(int=RNG.getrandbits(128)).hex[:16]}.json.gz"
        records = [record(n + k, when + timedelta(seconds=k)) for k in range(per_file)]
        n += per_file
        with gzip.open(os.path.join(day, name), "wt") as out:
            json.dump({"Records": records}, out)
    print(f"{files} files, {n} records under {folder}")


def big(path, size_mb=1024):
    limit = size_mb * 1024 * 1024
    n = 0
    with open(path, "w") as out:
        out.write('{"Records":[')
        while out.tell() < limit:
            out.write(("," if n else "") + json.dumps(record(n, START + timedelta(milliseconds=200 * n))))
            n += 1
        out.write("]}")
    print(f"{n} records, {os.path.getsize(path) // (1024 * 1024)} MB in {path}")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("many", "big"):
        sys.exit(__doc__)
    (many if sys.argv[1] == "many" else big)(sys.argv[2], *map(int, sys.argv[3:]))
