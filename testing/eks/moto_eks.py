"""moto in server mode, in-process, with EKS clusters whose endpoint and CA are real.

    python moto_eks.py --region R [--cluster NAME=ENDPOINT=CA_PEM_FILE ...] [--sts-secret KEY]

Starts moto's server on a free port of 127.0.0.1, creates each cluster through moto's own EKS
API (CreateCluster), then sets the created cluster's endpoint and certificate authority in
moto's backend to the given ones (moto makes up both): DescribeCluster is still served by
moto, and points at a real API server. With --sts-secret, the credentials moto's STS hands
out (AssumeRoleWithWebIdentity, AssumeRole) carry that secret key instead of a random one, so
that a token signed with them can be checked by a verifier that knows it. Prints the server's URL on the first line of stdout
and runs until stdin closes (the test holds the other end of the pipe).
"""

import argparse
import base64
import logging
import sys

import boto3
from moto.eks.models import eks_backends
from moto.iam import models as iam_models
from moto.server import ThreadedMotoServer

ACCOUNT = "123456789012"  # moto's default account


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--region", required=True)
    parser.add_argument("--cluster", action="append", default=[])
    parser.add_argument("--sts-secret")
    args = parser.parse_args()

    if args.sts_secret:
        random_key = iam_models.AccessKey.__init__

        def known_key(self, *a, **k):  # type: ignore[no-untyped-def]
            random_key(self, *a, **k)
            self.secret_access_key = args.sts_secret

        iam_models.AccessKey.__init__ = known_key

    # One line per request on stderr would bury the test's own output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"

    eks = boto3.client(
        "eks",
        region_name=args.region,
        endpoint_url=url,
        aws_access_key_id="moto-setup",
        aws_secret_access_key="moto-setup",
    )
    for spec in args.cluster:
        name, endpoint, ca_file = spec.split("=", 2)
        eks.create_cluster(
            name=name,
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks-cluster",
            resourcesVpcConfig={"subnetIds": []},
        )
        cluster = eks_backends[ACCOUNT][args.region].clusters[name]
        cluster.endpoint = endpoint
        with open(ca_file, "rb") as f:
            cluster.certificate_authority = {"data": base64.b64encode(f.read()).decode()}

    print(url, flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
